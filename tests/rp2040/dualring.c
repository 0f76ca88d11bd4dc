/* tests/rp2040/dualring.c - core 1 pushes records into a ring, a task on core 0 pops them (rp2040js).
 *
 * The harness (mode dualring) starts core 1 at core1_main, as for
 * dualcore.c. Core 1 is the ring's one producer: N records of 16 bytes,
 * each with a sequence number, two data words made from it and a checksum
 * over the three, pushed with coop_ring_push in bursts of 1..32 (back to
 * back) after pseudo-random gaps of up to 127 us, so that the ring (8
 * records) is sometimes full and drops. Core 0's task awaits the ring
 * (AWAIT_RING) and pops everything there is (after every 16th wake's pops
 * it sleeps 1 ms: it falls behind), checking each record: its checksum (a
 * record copied half old, half new fails it), and its sequence number above
 * the last one; the numbers skipped are the records dropped. Core 1 ends with
 * a last record (sequence number 0xffffffff) pushed when there is room, so
 * it is never dropped. Then core 0
 * prints
 *   dualring produced=P pushed=U consumed=C overflows=O skipped=S torn=T
 *            disorder=D asserts=X
 * (one line) and returns 0. Nothing lost means C + O == P, C == U, S == O,
 * T == 0 and D == 0.
 *
 * With COOP_PORT_ATOMIC 0 (this port), the ring orders its data copy before
 * publishing the head only through the compiler (volatile indices, and a
 * barrier in coop/irq.h) and the chip's in-order stores: a push that
 * published the head before its copy shows as torn records (the harness
 * slides the cores against each other, so the consumer sometimes reads a
 * slot while the producer is still copying into it).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

static volatile unsigned ring_asserts;
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : (void)ring_asserts++)
#define COOP_IMPLEMENTATION
#include "rp2040.h"

#define N 4000u
#define END 0xffffffffu /* the last record's seq */

struct record {
    uint32_t seq;
    uint32_t a, b;
    uint32_t sum;
};

static uint32_t record_sum(const struct record *r)
{
    return (r->seq * 0x9e3779b9u) ^ (r->a + 0x7f4a7c15u) ^ ((r->b << 7) | (r->b >> 25)) ^ 0xa5a5a5a5u;
}

COOP_RING_DEFINE(ring, struct record, 8);
static volatile uint32_t core1_go;
static volatile uint32_t produced, pushed; /* core 1's */

void core1_main(void);
void core1_main(void)
{
    uint32_t rng = 11u, i, burst = 0;
    static struct record r; /* static: core 1's stack is the harness's */
    while (!core1_go) {
    }
    for (i = 1; i <= N; i++) {
        rng = rng * 1664525u + 1013904223u;
        r.seq = i;
        r.a = rng;
        r.b = ~i * 0x85ebca6bu;
        r.sum = record_sum(&r);
        if (coop_ring_push(&ring, &r))
            pushed++;
        produced = i;
        if (burst == 0) { /* a gap of 0..127 us, then a burst of 1..32 */
            uint32_t start = timer_hw->timerawl, gap = (rng >> 8) & 127u;
            while (timer_hw->timerawl - start < gap) {
            }
            burst = 1u + (rng >> 27);
        }
        burst--;
    }
    /* the end: a record that cannot be dropped (wait for room first) */
    while (coop_ring_count(&ring) > 7u) {
    }
    r.seq = END;
    r.a = 0;
    r.b = ~END * 0x85ebca6bu;
    r.sum = record_sum(&r);
    (void)coop_ring_push(&ring, &r);
    for (;;)
        __wfe();
}
void (*volatile const core1_entry)(void) = core1_main;

static unsigned long consumed, skipped, torn, disorder, rounds;
static uint32_t last_seq;
static bool done;
static struct record got;

static coop_status_t consumer_fn(coop_task_t *task)
{
    ASYNC(task);
    while (!done) {
        AWAIT_RING(&ring);
        while (coop_ring_pop(&ring, &got)) {
            if (got.sum != record_sum(&got) || got.b != ~got.seq * 0x85ebca6bu)
                torn++;
            if (got.seq == END) {
                done = true;
                skipped += N - last_seq;
                continue;
            }
            consumed++;
            if (got.seq <= last_seq || got.seq > N || done)
                disorder++;
            else
                skipped += got.seq - last_seq - 1u;
            last_seq = got.seq;
        }
        if (++rounds % 16u == 0)
            AWAIT_SLEEP_MS(1); /* fall behind now and then: the ring fills */
    }
    AWAIT_SLEEP_MS(2);
    printf("dualring produced=%lu pushed=%lu consumed=%lu overflows=%lu skipped=%lu torn=%lu "
           "disorder=%lu asserts=%u\n",
           (unsigned long)produced, (unsigned long)pushed, consumed,
           (unsigned long)coop_ring_overflows(&ring), skipped, torn, disorder,
           ring_asserts);
    exit(0);
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t consumer;

int main(void)
{
    if (core1_entry == NULL)
        return 2;
    coop_board_init();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &consumer, consumer_fn);
    core1_go = 1;
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
