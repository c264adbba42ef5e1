package check

// Exported for the external differential tests.
var EnumCasesForTest = EnumCases
