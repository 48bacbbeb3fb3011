/* complexity.c - the complexity fits of a result set as text, in Google
 * Benchmark's shape: a "NAME_BigO" row with the coefficient in
 * nanoseconds per unit of the curve and a "NAME_RMS" row in percent.
 * Shared by `tach show` (summary.c) and the benchmark binary's summary
 * (libtach_main), so both print a fit the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tach/report.h"
#include "tach/result.h"
#include "report/emit.h"

int tach_report_complexity(FILE *out, const tach_result *r)
{
	if (!r->n_fits)
		return 0;
	size_t w = 9;
	for (size_t i = 0; i < r->n_fits; i++)
		if (strlen(r->fits[i]->name) + 5 > w)
			w = strlen(r->fits[i]->name) + 5;
	fputs("\ncomplexity: median time per iteration against n, least squares "
	      "(coefficient in ns)\n", out);
	for (size_t i = 0; i < r->n_fits; i++) {
		const tach_fit *f = r->fits[i];
		static const char *const suffix[] = {"_BigO", "_RMS"};
		for (int k = 0; k < 2; k++) {
			tach__emit_text(out, f->name);
			fputs(suffix[k], out);
			fprintf(out, "%*s", (int)(w - strlen(f->name) - strlen(suffix[k]) + 2), "");
			if (k == 0)
				/* Google Benchmark writes O(1) as "(1)" */
				fprintf(out, "%10.4g %-5s%s\n", f->coefficient * 1e9,
				        strcmp(f->big_o, "1") ? f->big_o : "(1)",
				        f->automatic ? " (auto: the lowest RMS)" : "");
			else
				fprintf(out, "%10.0f %%\n", f->rms * 100);
		}
	}
	return ferror(out) ? (errno ? -errno : TACH_EIO) : 0;
}
