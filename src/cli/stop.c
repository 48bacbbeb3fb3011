/* stop.c - the stop handler of the measuring commands (stop.h). */
#include <signal.h>
#include <string.h>

#include "tach/run.h"
#include "cli/stop.h"

volatile int cli_stop_signal;

/* Async-signal-safe: a store and the library's interrupt, which only
 * sends a signal to the run's process group. */
static void on_stop(int sig)
{
	cli_stop_signal = sig;
	tach_exec_interrupt();
}

void cli_stop_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
