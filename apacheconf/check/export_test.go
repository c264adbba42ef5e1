package check

// Exported for the external differential tests.
var EnumCasesForTest = EnumCases

// OutputFiltersForTest is the table of registered output filters.
var OutputFiltersForTest = outputFilters
