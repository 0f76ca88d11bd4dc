/* The one translation unit that compiles coop and the host port for the
 * host-port test runner (make test-host). */
#define COOP_IMPLEMENTATION
#include "host.h"
