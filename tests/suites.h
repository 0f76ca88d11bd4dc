/* Suites of the unit runner (virtual clock), the host-port runner and the
 * stress runner (tests/check_stress.c: host port, signals and threads;
 * tests/check_storm.c: storms beside a blinker). */
#define COOP_UNIT_SUITES \
    COOP_SUITE(async)    \
    COOP_SUITE(time)     \
    COOP_SUITE(wheel)    \
    COOP_SUITE(sched)    \
    COOP_SUITE(misuse)   \
    COOP_SUITE(keys)     \
    COOP_SUITE(irq)      \
    COOP_SUITE(sync)     \
    COOP_SUITE(timeout)  \
    COOP_SUITE(cascade)  \
    COOP_SUITE(asyncio)  \
    COOP_SUITE(debug)    \
    COOP_SUITE(conformance) \
    COOP_SUITE(nest)

#define COOP_HOST_SUITES \
    COOP_SUITE(host)

#define COOP_STRESS_SUITES \
    COOP_SUITE(stress)     \
    COOP_SUITE(storm)
