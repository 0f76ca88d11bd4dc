/* The one translation unit that compiles coop and the virtual-clock port for
 * the unit tests. */
#define COOP_IMPLEMENTATION
/* a busy loop is noticed sooner than by default (test_busy_yield) */
#define COOP_VIRTUAL_BUSY_READS 20000ul
#if defined(COOP_DEBUG) && COOP_DEBUG /* (-DCOOP_DEBUG=1) the debug variant also traces (tests/check_debug.c) */
#include "trace_hooks.h"
#endif
#include "virtual.h"
