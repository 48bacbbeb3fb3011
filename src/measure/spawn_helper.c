/* spawn_helper.c - main() of tach-spawn, the tiny program that starts the
 * commands tach benchmarks.  tach forks at start-up and execs it with the
 * spawner socket's fd number as its one argument: a fresh, small address
 * space, so that the resident high-water mark each command inherits from
 * it (Linux keeps it across exec) is a few hundred KiB, as under
 * /usr/bin/time, instead of tach's several MiB.  Not meant to be run by
 * hand.
 */
#include <stdlib.h>
#include <unistd.h>

#include "measure/spawner.h"

int main(int argc, char **argv)
{
	char *end;
	long fd = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (fd < 3 || *end) {
		static const char msg[] = "tach-spawn: started by tach only\n";
		ssize_t w = write(2, msg, sizeof msg - 1);
		(void)w;
		return 2;
	}
	tach__spawner_serve((int)fd);
}
