/* examples/producer_consumer - a queue between a producer and two consumers.
 *
 * The guide "Cooperative Multitasking in CircuitPython with asyncio" passes
 * values between tasks in a shared object ("Communicating Between Tasks").
 * When every value matters, in order, the shared object is a queue: it keeps
 * the values, bounds how many wait, and makes a task wait when there is
 * nothing to take or no room to put. Four tasks:
 *   producer    takes a reading every 100 ms and puts it into `readings`, a
 *               queue of 4 records; when the queue is full it says so and
 *               waits (AWAIT_PUT) until a consumer makes room
 *   consumer 1  gets readings (AWAIT_GET waits while the queue is empty) and
 *               spends 300 ms on each
 *   consumer 2  the same, but gives up a wait after 500 ms (AWAIT_FOR gives
 *               COOP_ETIMEDOUT, having taken nothing) and says so: that is
 *               what happens while the producer is paused
 *   buttons     BUTTON1 pauses and resumes the producer, through an event
 *               (set = run) that the producer awaits before each reading
 * Two consumers at 300 ms a reading take one every 150 ms, slower than the
 * producer's 100 ms: the queue fills and the producer has to wait. After 24
 * readings the producer puts one end record per consumer; each consumer stops
 * at one; main gathers the three tasks, cancels the button tasks and prints
 * "done". No task is left, so coop_loop_run returns: the program ends by
 * itself.
 *
 *   Python asyncio                            here (C, coop)
 *   readings = asyncio.Queue(maxsize=4)       COOP_QUEUE_DEFINE(readings, struct reading, 4)
 *   readings.put_nowait(r) (QueueFull)        coop_queue_try_put(&readings, &r) (COOP_EAGAIN)
 *   await readings.put(r)                     AWAIT_PUT(&readings, &p->r)
 *   r = await readings.get()                  AWAIT_GET(&readings, &c->r)
 *   await asyncio.wait_for(readings.get(), 0.5)  AWAIT_FOR(c->rc, 500, AWAIT_GET(&readings, &c->r))
 *   except asyncio.TimeoutError:              if (c->rc == COOP_ETIMEDOUT)
 *   readings.qsize()                          coop_queue_count(&readings)
 *   running = asyncio.Event(); running.set()  coop_event_init(&running); coop_event_set(&running)
 *   await running.wait()                      AWAIT_EVENT(&running)
 *   await asyncio.gather(producer, c1, c2)    AWAIT_GATHER(workers, 3)
 *   task.cancel()                             coop_task_cancel(&task)
 *
 * A put copies the record into the queue and a get copies it out, so the
 * record a task puts or gets lives in its struct (p->r, c->r), never in a
 * local: the get writes it when the task resumes (ground rule 1). Waiting
 * consumers are served first come, first served, and a record put for a
 * woken consumer is kept for it: the readings come out in order, each once.
 *
 * On the host, in a terminal, press 1 to pause the producer and 1 again to
 * resume it; otherwise the demo script below does it.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* Keys at ms after start, for runs without a person at the keyboard (the
 * host with stdin not a terminal, the virtual port); hardware ignores it.
 * Pause the producer at 2 s, resume it at 4 s (each press counts 20 ms
 * later, once debounced: at ..05 ms, never on the producer's ..00 ticks).
 * The program ends by itself at about 4.9 s: the q is only a safety net. */
#define DEMO_SCRIPT "1985:1 3985:1 9000:q"

#define READINGS 24      /* then the producer ends */
#define CAPACITY 4       /* records the queue holds */
#define PERIOD_MS 100    /* a reading this often */
#define WORK_MS 300      /* what a consumer spends on a reading */
#define TIMEOUT_MS 500   /* consumer 2 waits at most this long */
#define SCAN_MS 5        /* the button is read this often ... */
#define DEBOUNCE_MS 20   /* ... and must hold this long to count */

/* What goes through the queue: one reading. seq 0 marks the end. */
struct reading {
    uint16_t seq;    /* 1, 2, 3, ... */
    uint16_t tenths; /* a temperature, in tenths of a degree */
};

COOP_QUEUE_DEFINE(readings, struct reading, CAPACITY);

static coop_event_t running; /* set: the producer may go on */

/* A stand-in for a sensor: 20.0 .. 24.9 degrees. */
static uint16_t read_sensor(uint16_t seq)
{
    return (uint16_t)(200u + (seq * 37u) % 50u);
}

/* ---------------------------------------------------------------- producer */
struct producer {
    coop_task_t task;
    struct reading r; /* what it puts: the queue copies it */
    uint8_t ends;     /* end records put */
};

static coop_status_t producer_fn(coop_task_t *task)
{
    struct producer *p = COOP_CONTAINER_OF(task, struct producer, task);

    ASYNC(task);
    for (p->r.seq = 1; p->r.seq <= READINGS; p->r.seq++) {
        AWAIT_EVENT(&running); /* paused: wait here until resumed */
        p->r.tenths = read_sensor(p->r.seq);
        if (coop_queue_try_put(&readings, &p->r) != COOP_OK) {
            coop_board_printf("producer: queue full, waits");
            AWAIT_PUT(&readings, &p->r); /* until a consumer makes room */
        }
        coop_board_printf("put #%u (%u queued)", (unsigned)p->r.seq,
                          (unsigned)coop_queue_count(&readings));
        AWAIT_SLEEP_MS(PERIOD_MS);
    }
    p->r.seq = 0; /* the end, once for each consumer */
    for (p->ends = 0; p->ends < 2; p->ends++) {
        AWAIT_PUT(&readings, &p->r);
        coop_board_printf("put end (%u queued)", (unsigned)coop_queue_count(&readings));
    }
    ASYNC_END;
}

/* ---------------------------------------------------------------- consumers */
struct consumer {
    coop_task_t task;
    unsigned id;
    struct reading r; /* what it got: AWAIT_GET writes it here */
    int rc;           /* AWAIT_FOR's result */
    unsigned taken;
};

/* Consumer 2 minus the timeout: the wait has no end but a reading. */
static coop_status_t consumer_fn(coop_task_t *task)
{
    struct consumer *c = COOP_CONTAINER_OF(task, struct consumer, task);

    ASYNC(task);
    for (;;) {
        AWAIT_GET(&readings, &c->r);
        if (c->r.seq == 0)
            break;
        c->taken++;
        coop_board_printf("consumer %u got #%u: %u.%u C (%u queued)", c->id, (unsigned)c->r.seq,
                          (unsigned)(c->r.tenths / 10u), (unsigned)(c->r.tenths % 10u),
                          (unsigned)coop_queue_count(&readings));
        AWAIT_SLEEP_MS(WORK_MS); /* working on it */
    }
    coop_board_printf("consumer %u: end of the readings, %u taken", c->id, c->taken);
    ASYNC_END;
}

/* Each wait for a reading ends after TIMEOUT_MS at the latest. */
static coop_status_t timed_consumer_fn(coop_task_t *task)
{
    struct consumer *c = COOP_CONTAINER_OF(task, struct consumer, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FOR(c->rc, TIMEOUT_MS, AWAIT_GET(&readings, &c->r));
        if (c->rc == COOP_ETIMEDOUT) { /* nothing was taken: try again */
            coop_board_printf("consumer %u: no reading for %u ms (%s)", c->id, (unsigned)TIMEOUT_MS,
                              coop_strerror(c->rc));
            continue;
        }
        if (c->r.seq == 0)
            break;
        c->taken++;
        coop_board_printf("consumer %u got #%u: %u.%u C (%u queued)", c->id, (unsigned)c->r.seq,
                          (unsigned)(c->r.tenths / 10u), (unsigned)(c->r.tenths % 10u),
                          (unsigned)coop_queue_count(&readings));
        AWAIT_SLEEP_MS(WORK_MS);
    }
    coop_board_printf("consumer %u: end of the readings, %u taken", c->id, c->taken);
    ASYNC_END;
}

/* ---------------------------------------------------------------- button */
static coop_keys_t keys; /* BUTTON1, debounced, scanned by `scanner` */
static coop_keys_slot_t slot[1];
static coop_keys_event_t key_queue[4];
static const coop_pin_t pins[1] = { BOARD_BUTTON1 };
static coop_keys_task_t scanner;

struct buttons {
    coop_task_t task;
    coop_keys_event_t ev;
};

/* Each press of BUTTON1 pauses or resumes the producer. */
static coop_status_t buttons_fn(coop_task_t *task)
{
    struct buttons *b = COOP_CONTAINER_OF(task, struct buttons, task);

    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);
        while (coop_keys_get(&keys, &b->ev)) {
            if (b->ev.kind != COOP_KEYS_PRESSED)
                continue;
            if (coop_event_is_set(&running)) {
                coop_event_clear(&running); /* the producer stops at its next reading */
                coop_board_printf("BUTTON1: producer paused");
            } else {
                coop_event_set(&running);   /* it goes on at once */
                coop_board_printf("BUTTON1: producer resumed");
            }
        }
    }
    ASYNC_END;
}

/* ---------------------------------------------------------------- main */
static coop_loop_t loop;
static struct producer producer;
static struct consumer consumer1, consumer2;
static struct buttons buttons;
static coop_task_t *const workers[] = { &producer.task, &consumer1.task, &consumer2.task };
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_board_printf("%u readings through a queue of %u; BUTTON1 pauses/resumes the producer",
                      (unsigned)READINGS, (unsigned)CAPACITY);
    coop_task_spawn(&loop, &producer.task, producer_fn);
    coop_task_spawn(&loop, &consumer1.task, consumer_fn);
    coop_task_spawn(&loop, &consumer2.task, timed_consumer_fn);
    AWAIT_GATHER(workers, 3); /* until all three have ended */
    coop_task_cancel(&buttons.task); /* they would run forever: */
    coop_task_cancel(&scanner.task); /* the loop ends when no task is left */
    coop_board_printf("done: consumer 1 took %u, consumer 2 took %u", consumer1.taken,
                      consumer2.taken);
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_keys_init(&keys, slot, 1, key_queue, 4, false, DEBOUNCE_MS); /* active low */
    coop_event_init(&running);
    coop_event_set(&running); /* the producer starts at once */
    consumer1.id = 1;
    consumer2.id = 2;
    coop_loop_init(&loop);
    coop_keys_poll_spawn(&loop, &scanner, &keys, SCAN_MS, coop_keys_read_pins, pins);
    coop_task_spawn(&loop, &buttons.task, buttons_fn);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
