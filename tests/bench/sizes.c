/* Object sizes, read back by run.sh with `nm -S` (no need to run the target). */
#include "coop.h"

unsigned char coop_sizeof_task[sizeof(coop_task_t)];
unsigned char coop_sizeof_timer[sizeof(coop_timer_t)];
unsigned char coop_sizeof_loop[sizeof(coop_loop_t)];
unsigned char coop_sizeof_wheel[sizeof(coop_wheel_t)];
unsigned char coop_sizeof_lc[sizeof(coop_lc_t)];
unsigned char coop_sizeof_event[sizeof(coop_event_t)];
unsigned char coop_sizeof_lock[sizeof(coop_lock_t)];
unsigned char coop_sizeof_sem[sizeof(coop_sem_t)];
unsigned char coop_sizeof_queue[sizeof(coop_queue_t)];
unsigned char coop_sizeof_flag[sizeof(coop_flag_t)];
