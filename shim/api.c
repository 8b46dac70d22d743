/* shim/api.c — the public API of include/blasshim.h: region control and marks. */
#include "include/blasshim.h"

#include "profiler/clock.h"
#include "shim.h"

BS_EXPORT void blasshim_pause(void)
{
    bs_init();
    bs_report_pause(1);
    bs_quiet_update();
}

BS_EXPORT void blasshim_resume(void)
{
    bs_init();
    bs_report_pause(0);
    bs_quiet_update();
}

BS_EXPORT void blasshim_mark(const char *name)
{
    bs_init();
    bs_report_mark(name, bs_tid());
}
