/* emit.h - escaping names for each output format, shared by reporters.
 * Internal to src/report. */
#ifndef TACH_REPORT_EMIT_H
#define TACH_REPORT_EMIT_H

#include <stdio.h>

#include "tach/result.h"
#include "tach/report.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))

/* A JSON string literal with quotes; '<', '>' and '&' become \u escapes
 * too, so the text is safe inside an HTML <script> block. */
TACH_HIDDEN void tach__emit_json_string(FILE *f, const char *s);
/* A JSON number (shortest round-trip text), or null if not finite. */
TACH_HIDDEN void tach__emit_json_number(FILE *f, double d);
/* A CSV field, RFC 4180: quoted only if it holds ',', '"', CR or LF, or
 * when a spreadsheet would run it as a formula (text starting with = + - @,
 * tab or CR that is not a number): then quoted with a leading apostrophe,
 * which makes the cell text. */
TACH_HIDDEN void tach__emit_csv_field(FILE *f, const char *s);
/* Markdown table cell text: '|', '\\', '`', '*', '_', '[', ']', '#', '~',
 * '<', '>' and '&' made inert; newlines become spaces, other C0 controls
 * their pictures (U+241B for ESC); C1 controls, bidirectional controls
 * and bytes that are not UTF-8 become U+FFFD. */
TACH_HIDDEN void tach__emit_md_cell(FILE *f, const char *s);
/* AsciiDoc table cell text (with the default '|' separator): the whole
 * text as a pass:c[...] macro, so that no AsciiDoc markup, attribute
 * reference or macro in it acts and '<', '>' and '&' are escaped for the
 * backend; '|' and ']' inside it are backslash-escaped, trailing
 * backslashes follow the macro as {backslash}.  Controls as in
 * tach__emit_org_cell. */
TACH_HIDDEN void tach__emit_adoc_cell(FILE *f, const char *s);
/* Org table cell text: '|' as \vert{}, '\\' as \backslash{}; each of
 * '*', '/', '_', '=', '~', '+', '^', '$', '@', '[', ']', '{', '}', '<' and
 * '>' between zero-width spaces (U+200B) and one between two '-' or two
 * '.', so that no emphasis, link, macro, export snippet, inline source
 * block, LaTeX fragment, sub/superscript or special string forms.
 * Newlines and tabs become spaces, other C0 controls their pictures
 * (U+2400 + c), C1 and bidirectional controls and bytes that are not
 * UTF-8 U+FFFD. */
TACH_HIDDEN void tach__emit_org_cell(FILE *f, const char *s);
/* XML text or attribute value (JUnit): & < > " ' escaped, tab, LF and CR
 * as character references (&#10;) so that they survive in attributes and
 * never break a line of the output; characters
 * XML 1.0 forbids (controls other than tab, LF, CR), C1 controls,
 * bidirectional controls and bytes that are not UTF-8 written as U+FFFD. */
TACH_HIDDEN void tach__emit_xml(FILE *f, const char *s);
/* HTML text or attribute value: as XML (the same five characters). */
#define tach__emit_html tach__emit_xml
/* Terminal text: tach_text_write (tach/report.h). */
#define tach__emit_text tach_text_write
/* "name (k=v, k=v)": the benchmark's name and those parameters whose
 * value the name does not already show ("/64", "size:64", "size=64"),
 * truncated to fit buf. */
TACH_HIDDEN void tach__display_name(char *buf, size_t size, const char *name,
                                    const tach_kvlist *params);
/* Display width of terminal text as tach__emit_text writes it (UTF-8
 * code points count 1, escapes their length). */
TACH_HIDDEN size_t tach__text_width(const char *s);

#endif
