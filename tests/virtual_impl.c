/* The one translation unit that compiles coop and the virtual-clock port for
 * the unit tests. */
#define COOP_IMPLEMENTATION
#include "virtual.h"
