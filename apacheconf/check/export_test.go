package check

// Exported for the external differential tests.
var EnumCasesForTest = EnumCases

// OutputFiltersForTest is the table of registered output filters.
var OutputFiltersForTest = outputFilters

// SSLConfCmdsForTest is the table of OpenSSL configuration commands.
var SSLConfCmdsForTest = sslConfCmds

// LibxmlEncodingsForTest is the table of charsets libxml2 knows.
var LibxmlEncodingsForTest = libxmlEncodings
