/* stop.h - how a measuring command stops on request: SIGINT (Ctrl-C),
 * SIGTERM (a cancelled CI job) and SIGHUP (a closed terminal) alike kill
 * the run in progress with its whole process group, the measurement stops,
 * what was measured so far is shown, and tach exits 128 + the signal.
 * One handler for tach run, tach load and tach compare --run. */
#ifndef TACH_CLI_STOP_H
#define TACH_CLI_STOP_H

/* The signal that asked to stop, 0 if none: hand its address to the
 * library's `stop` fields (runner, load generator, A/B engine). */
extern volatile int cli_stop_signal;

/* Installs the handler for the three signals. */
void cli_stop_on_signals(void);

#endif
