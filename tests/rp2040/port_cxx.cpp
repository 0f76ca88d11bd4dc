// tests/rp2040/port_cxx.cpp - ports/rp2040.h, implementation included,
// compiles as C++ (mk/rp2040.mk: arm-none-eabi-g++ -std=c++11 and c++17,
// warnings as errors) against the stand-in SDK headers.
//
// SPDX-License-Identifier: MIT
#define COOP_IMPLEMENTATION
#define COOP_PIN_IRQS 1
#include "rp2040.h"

static coop_flag_t flag;

static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&flag);
}

int coop_rp2040_cxx_check(void);
int coop_rp2040_cxx_check(void)
{
    coop_board_init();
    coop_flag_init(&flag);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    return coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_BOTH, button_isr);
}
