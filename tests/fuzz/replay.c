/* replay.c - runs a fuzz target over files (its seeds) without libFuzzer,
 * so every `make test` exercises each target under gcc, ASan and UBSan.
 * Arguments are files or directories (every regular file in them, in name
 * order); a directory that does not exist is skipped with a note, which
 * is how ../shared/corpus is replayed only where that corpus is present.
 * Each input is copied into a buffer of exactly its size, so ASan sees a
 * parser that reads past the end. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		return -1;
	}
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replays path (a file, or the files of a directory); adds to *n. */
static int replay(const char *path, int *n)
{
	struct stat st;
	if (stat(path, &st)) {
		if (errno == ENOENT) {
			printf("%s: not present, skipped\n", path);
			return 0;
		}
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path))
			return -1;
		++*n;
		return 0;
	}
	struct dirent **names;
	int k = scandir(path, &names, NULL, by_name);
	if (k < 0) {
		perror(path);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < k; i++) {
		char sub[4096];
		if (!rc && names[i]->d_name[0] != '.' &&
		    snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name) < (int)sizeof sub &&
		    stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(sub))
				rc = -1;
			else
				++*n;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++)
		if (replay(argv[i], &n))
			return 1;
	printf("replayed %d inputs\n", n);
	return 0;
}
