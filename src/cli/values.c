/* values.c - option values several commands read alike (commands.h):
 * durations (run, load) and KEY=VALUE labels (run, load, history add), so
 * one rule and one message hold for each. */
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"

int cli_duration_arg(const char *spelled, const char *value, double *out)
{
	if (tach_parse_duration(value, out))
		return cli_bad_value(spelled, value,
		                     "expected a duration such as 0.5, 500ms, 10s or 2m");
	return 0;
}

int cli_label_arg(const char *spelled, const char *value, tach_kvlist *labels)
{
	const char *eq = strchr(value, '=');
	if (!eq || eq == value)
		return cli_bad_value(spelled, value, "expected KEY=VALUE");
	/* a longer key would be cut short without a word */
	char key[256];
	if ((size_t)(eq - value) >= sizeof key)
		return cli_bad_value(spelled, value, "a KEY of at most 255 bytes");
	memcpy(key, value, (size_t)(eq - value));
	key[eq - value] = '\0';
	return tach_kvlist_set(labels, key, eq + 1) ? cli_error("out of memory") : 0;
}
