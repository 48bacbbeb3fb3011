/* test_headers.c - keeps the public headers' documentation from rotting:
 * every exported function (TACH_API) is preceded by a comment, alone or as
 * part of a group of declarations under one comment. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define INCLUDE_DIR TACH_SOURCE_ROOT "/include/tach"

static int is_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

Test(headers, every_export_is_documented)
{
	DIR *d = opendir(INCLUDE_DIR);
	cr_assert(d);
	struct dirent *e;
	int files = 0, exports = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 3 || strcmp(e->d_name + n - 2, ".h"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", INCLUDE_DIR, e->d_name);
		FILE *f = fopen(path, "r");
		cr_assert(f);
		files++;
		static char lines[2000][256];
		int nl = 0;
		while (nl < 2000 && fgets(lines[nl], sizeof lines[nl], f))
			nl++;
		fclose(f);
		cr_expect(strncmp(lines[0], "/* ", 3) == 0, "%s: no header comment", e->d_name);
		for (int i = 0; i < nl; i++) {
			if (strncmp(lines[i], "TACH_API", 8) != 0)
				continue;
			exports++;
			/* walk up over the declarations of the same group */
			int j = i - 1;
			while (j >= 0 && !is_blank(lines[j]) && !strstr(lines[j], "*/"))
				j--;
			cr_expect(j >= 0 && strstr(lines[j], "*/"), "%s:%d: undocumented export: %s",
			          e->d_name, i + 1, lines[i]);
		}
	}
	closedir(d);
	cr_expect_geq(files, 6);
	cr_expect_geq(exports, 40);
}
