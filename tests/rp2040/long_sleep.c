/* tests/rp2040/long_sleep.c - sleeps longer than one alarm can reach (rp2040js).
 *
 * The port arms its alarm at most about 17.9 minutes ahead (the alarm
 * compares the low 32 bits of the microsecond timer, which wrap every 71.6
 * minutes) and sleeps again from there. Here LED1 goes on at the start, off
 * after 25 minutes, on again 83 minutes later (beyond a whole wrap of the
 * alarm's compare), then main returns; the harness (mode long_sleep) checks
 * the edges fall in the exact milliseconds and the core slept throughout.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "rp2040.h"

#define FIRST_MS 1500000UL  /* 25 min */
#define SECOND_MS 5000000UL /* 83 min 20 s */

static coop_loop_t loop;
static coop_task_t task_;

static coop_status_t sleeper_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_pin_output(BOARD_LED1, true);
    AWAIT_SLEEP_MS(FIRST_MS);
    coop_pin_write(BOARD_LED1, false);
    AWAIT_SLEEP_MS(SECOND_MS);
    coop_pin_write(BOARD_LED1, true);
    coop_board_printf("slept %lu ms", (unsigned long)(FIRST_MS + SECOND_MS));
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &task_, sleeper_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
