/* tach.h - umbrella header: everything a program using libtach needs.
 * Not tach/bench.h: that is the benchmark library's header, included by a
 * benchmark program itself, which links with libtach_main (tach-main). */
#ifndef TACH_H
#define TACH_H

#include "tach/version.h"
#include "tach/error.h"
#include "tach/result.h"
#include "tach/stats.h"
#include "tach/units.h"
#include "tach/report.h"
#include "tach/run.h"
#include "tach/import.h"
#include "tach/compare.h"
#include "tach/ab.h"
#include "tach/gate.h"
#include "tach/store.h"
#include "tach/monitor.h"
#include "tach/counters.h"
#include "tach/histogram.h"
#include "tach/clock.h"
#include "tach/changepoint.h"
#include "tach/sim.h"
#include "tach/outfile.h"
#include "tach/system.h"
#include "tach/publish.h"
#include "tach/loadgen.h"
#include "tach/load.h"

#endif
