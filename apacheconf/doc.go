// Package apacheconf reads Apache httpd 2.4 configuration exactly as httpd
// reads it: physical lines joined by backslash continuations, comments,
// ap_getword_conf quoting, Define and ${VAR} substitution, Include and
// IncludeOptional with httpd's path rules, and the read-time conditional
// sections (<IfModule>, <IfDefine>, <IfVersion>, <IfFile>, <IfDirective>,
// <IfSection>), evaluated in file order.
//
// Load returns a Tree: one File per file read (a file included twice is
// read twice, as httpd does), each holding the nodes written in it with
// their positions. Content of false conditional branches stays in the tree,
// marked inactive. Errors httpd would report while reading are returned as
// a *ReadError carrying httpd's own message; warnings httpd would log are
// Diagnostics.
//
// The reader is hand-written for throughput: it never copies a line that
// needs no continuation join or substitution, and it tokenizes arguments
// only when asked (Node.Words).
package apacheconf
