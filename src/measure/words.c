/* words.c - splitting a command string into argv like a POSIX shell splits
 * a simple command, so `tach run "grep -c 'a b' file"` needs no shell.
 *
 * Quoting and backslashes follow POSIX (XCU 2.2); nothing is expanded, and
 * operators that only a shell could honour are refused with a hint rather
 * than passed on as literal arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/run.h"
#include "util/util.h"

void tach_words_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}


int tach_words_split(const char *text, char ***argv, tach_error *err)
{
	size_t len = strlen(text);
	/* at most one word per two bytes, plus the terminator */
	char **words = calloc(len / 2 + 2, sizeof *words);
	char *buf = malloc(len + 1);
	size_t nw = 0;
	int rc = 0;
	*argv = NULL;
	if (!words || !buf) {
		free(words);
		free(buf);
		return TACH_ENOMEM;
	}
	const char *p = text;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		int in_word = 0;
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n')) {
			in_word = 1;
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (!q) {
					rc = tach__parse_fail(err, text, p,
					                      "unterminated single quote");
					goto out;
				}
				memcpy(buf + n, p + 1, (size_t)(q - p - 1));
				n += (size_t)(q - p - 1);
				p = q + 1;
			} else if (*p == '"') {
				const char *open = p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
						if (p[1] != '\n')
							buf[n++] = p[1];
						p += 2;
					} else {
						buf[n++] = *p++;
					}
				}
				if (!*p) {
					rc = tach__parse_fail(err, text, open,
					                      "unterminated double quote");
					goto out;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					rc = tach__parse_fail(err, text, p,
					                      "backslash at the end of the command");
					goto out;
				}
				if (p[1] != '\n')
					buf[n++] = p[1];
				p += 2;
			} else if (strchr("|&;<>()`$", *p) &&
			           !(*p == '$' && (!p[1] || p[1] == ' ' || p[1] == '\t'))) {
				/* a lone '$' is literal in the shell too */
				rc = tach__parse_fail(
					err, text, p,
					*p == '$' || *p == '`'
						? "expansions ($, `) need a shell: quote them or use --shell"
						: "shell operators (| & ; < > ( )) need a shell: quote them "
						  "or use --shell");
				goto out;
			} else {
				buf[n++] = *p++;
			}
		}
		if (in_word) {
			words[nw] = malloc(n + 1);
			if (!words[nw]) {
				rc = TACH_ENOMEM;
				goto out;
			}
			memcpy(words[nw], buf, n);
			words[nw++][n] = '\0';
		}
	}
	if (!nw) {
		rc = tach__parse_fail(err, text, text, "empty command");
		goto out;
	}
out:
	free(buf);
	if (rc) {
		tach_words_free(words);
		return rc;
	}
	*argv = words;
	return 0;
}
