// tests/rp2040/harness.mjs - run RP2040 firmware in the rp2040js emulator and check it.
//
//     node harness.mjs MODE image.bin bootrom.bin NODE_MODULES_PARENT
//
// image.bin is a flash image (objcopy -O binary of an ELF linked at
// 0x10000000: boot2, then the vector table at 0x10000100), bootrom.bin our
// stand-in boot ROM (tests/rp2040/bootrom: it enters boot2 from SRAM as the
// chip's does), NODE_MODULES_PARENT the directory whose node_modules holds
// rp2040js (npm ci put it there).
//
// MODE says what the firmware is and what to assert:
//   blink1, blink2     the examples: LED edges exact to the ms, the number of
//                      blinks, "done" on UART0, main returned 0, asleep > 95 %
//   debounced_counter  bouncy presses on BUTTON1 (GP14): one count per press,
//                      LED1 toggled within 1 ms of the press's first edge
//   irq_alert          presses (one bouncy, one during an alert) start one
//                      alert each; LED2 flashes on time; LED1 keeps its beat
//   twin NAME SCRIPT VIRTUAL_LOG
//                      any example: play its demo key script (the virtual
//                      port's presses: 100 ms, bouncy ones chattering at
//                      0/1/3/5/8 ms, coop/board.h) on BUTTON1..4 and compare
//                      the LED changes and printed lines, with their
//                      millisecond, to the example's timeline on the virtual
//                      clock (build/virtual/NAME > VIRTUAL_LOG): the same
//                      program must do the same things at the same ms
//   long_sleep         tests/rp2040/long_sleep.c: sleeps of 25 and 83 minutes
//                      (beyond one alarm's reach) end in their exact ms
//   dualcore ENTRY     tests/rp2040/dualcore.c with a second core started at
//                      ENTRY (core1_main): flags and counters set from core 1
//                      wake the loop on core 0 at once (SEV), nothing lost;
//                      both cores divide on their own hardware dividers
//   dualring ENTRY     tests/rp2040/dualring.c, core 1 started at ENTRY: core
//                      1 pushes records into a ring, a task on core 0 pops
//                      them: none lost (consumed + dropped = produced), in
//                      order, none torn
//   floats             tests/rp2040/floats.c: float and double sums in a task,
//                      bit for bit as IEEE 754; the boot ROM's float and
//                      double tables (SF, SD) called as the SDK would
//   edges              tests/rp2040/edges.c: rising, falling and both-edge
//                      interrupts on three pins, thousands of edges at
//                      random times while the loop sleeps on random
//                      deadlines: every edge counted, no wake-up lost
//   storm              tests/rp2040/storm.c: GP2 toggled at 10k..100k edges/s
//                      and in bursts (300 ms phases), beside two blinkers:
//                      every blink in its tick, no consumer waits 2 ms,
//                      exact counts; per phase the edges merged by the
//                      hardware and the GPIO handler's share of the CPU;
//                      then faster storms, reported and not judged
// Prints "ok ..." / "FAIL ..." lines; exits 1 on any failure.
//
// Time is simulated: the core runs at 125 MHz (8 ns a cycle); while it
// waits in WFE/WFI the clock jumps to the next event (a timer alarm or an
// input change the harness scheduled), so seconds of a sleeping program
// take milliseconds.
//
// SPDX-License-Identifier: MIT

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modeArg, imagePath, romPath, modulesDir, ...extra] = process.argv.slice(2);
if (!modeArg || !imagePath || !romPath || !modulesDir) {
  console.error('usage: node harness.mjs MODE image.bin bootrom.bin NODE_MODULES_PARENT [twin: NAME SCRIPT VIRTUAL_LOG]');
  process.exit(2);
}
const mode = modeArg === 'twin' ? `twin ${extra[0]}` : modeArg;
if ((modeArg === 'dualcore' || modeArg === 'dualring') && !(Number(extra[0]) > 0)) {
  console.error(`harness: ${modeArg} needs the address of core1_main`);
  process.exit(2);
}
const require = createRequire(path.resolve(modulesDir) + path.sep);
const { Simulator, GPIOPinState } = require('rp2040js');

// ------------------------------------------------------------ checks
let failures = 0;
function check(ok, msg) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${mode}: ${msg}`);
  if (!ok) failures++;
}

// ------------------------------------------------------------ the chip
const NS_PER_CYCLE = 8; // 125 MHz
const MS = 1e6; // ns
const sim = new Simulator();
const { rp2040, clock } = sim;
const warnings = []; // the first few of the emulator's complaints
let nWarnings = 0;
function complain(text) {
  if (nWarnings++ < 20) warnings.push(text);
}
rp2040.logger = {
  debug() {},
  info() {},
  warn(c, m) {
    complain(`${c}: ${m}`);
  },
  error(c, m) {
    complain(`error ${c}: ${m}`);
  },
};

const rom = readFileSync(romPath);
const romWords = new Uint32Array(Math.ceil(rom.length / 4));
new Uint8Array(romWords.buffer).set(rom);
rp2040.loadBootrom(romWords); // resets the core: SP and PC from the ROM's vectors
const image = readFileSync(imagePath);
rp2040.flash.set(image, 0);

// COOP_RP2040_START_MS: the chip is reset that long after the timer started
// (blink modes), e.g. just before 2^32 ms, so that the program runs across
// the wrap of 32-bit ticks (or 2^16 ms for 16-bit ticks) and many wraps of
// the alarms' 32-bit microsecond compare.
const START = Number(process.env.COOP_RP2040_START_MS || 0) * 1e6; // ns
if (START > 0) clock.tick(START);

// Two Cortex-M0+ details rp2040js (1.4.1) leaves out and the port relies on,
// modelled here as the ARMv6-M Architecture Reference Manual says (B3.2.7
// SCR, B1.5.18 WFE):
//  - the System Control Register (0xe000ed10) reads back what was written;
//  - with SCR.SEVONPEND set, an interrupt becoming pending (enabled or not,
//    masked by PRIMASK or not) is a wake-up event: it ends a WFE, or sets
//    the event register so that the next WFE falls through. Without it a
//    masked interrupt that comes between the idle's last check and its WFE
//    would sleep until some other event: the race the port closes with it.
// COOP_RP2040_NO_SEVONPEND=1 leaves the emulator as it is (the edges test
// then finds the lost wake-ups).
const SCR = 0xd10, SEVONPEND = 0x10;
let scr = 0;
const { ppb, core } = rp2040;
const ppbRead = ppb.readUint32.bind(ppb), ppbWrite = ppb.writeUint32.bind(ppb);
ppb.readUint32 = (offset) => (offset === SCR ? scr : ppbRead(offset));
ppb.writeUint32 = (offset, value) => {
  if (offset === SCR) scr = value & 0x16; // SLEEPONEXIT, SLEEPDEEP, SEVONPEND
  else ppbWrite(offset, value);
};
if (!process.env.COOP_RP2040_NO_SEVONPEND) {
  const setInterrupt = core.setInterrupt.bind(core);
  core.setInterrupt = (irq, value) => {
    const becomesPending = value && !(core.pendingInterrupts & (1 << irq));
    setInterrupt(irq, value); // an enabled, unmasked one is taken (and ends WFE)
    if (becomesPending && scr & SEVONPEND) {
      if (core.waiting) core.waiting = false;
      else core.eventRegistered = true;
    }
  };
}

let stopped = null; // { code, r0 } once the firmware executed bkpt
rp2040.onBreak = (code) => {
  if (stopped === null) stopped = { code, r0: rp2040.core.registers[0] >>> 0, at: clock.nanos };
};

let uart = '';
const uartLines = []; // { t, text }: each line with the time its '\n' was written
let uartLine = '';
rp2040.uart[0].onByte = (b) => {
  if (b === 13) return;
  uart += String.fromCharCode(b);
  if (b === 10) {
    uartLines.push({ t: clock.nanos, text: uartLine });
    uartLine = '';
  } else {
    uartLine += String.fromCharCode(b);
  }
};

// The GPIO interrupt's handler (IO_IRQ_BANK0, exception 16 + 13): its entries
// and the time of the instructions executed in it (rp2040js charges nothing
// for the exception's entry and return: the chip spends about 15 cycles on
// each, and may wait for flash where rp2040js charges 1 cycle a read).
const EXC_IO_BANK0 = 16 + 13;
let gpioIrqNs = 0, gpioIrqEntries = 0, ipsrAfter = 0;
let sleptNs = 0;
function runUntil(tNs) {
  const { core } = rp2040;
  while (stopped === null && clock.nanos < tNs) {
    if (core.waiting) {
      const next = clock.nextAlarm; // the simulation clock's earliest event
      const step = next ? Math.min(next.nanos, tNs) - clock.nanos : tNs - clock.nanos;
      sleptNs += Math.max(step, 0);
      clock.tick(Math.max(step, 0));
    } else {
      // (rp2040js takes an interrupt in executeInstruction, or at once when
      // it comes while the core waits in WFE: then IPSR changed in between)
      const before = core.IPSR;
      const ns = core.executeInstruction() * NS_PER_CYCLE;
      const after = core.IPSR;
      if (after === EXC_IO_BANK0 || before === EXC_IO_BANK0) {
        gpioIrqNs += ns; // in the handler, its first instruction or its return
        if ((before === EXC_IO_BANK0 && ipsrAfter !== EXC_IO_BANK0) || (after === EXC_IO_BANK0 && before !== EXC_IO_BANK0))
          gpioIrqEntries++;
      }
      ipsrAfter = after;
      clock.tick(ns);
    }
  }
}

// ------------------------------------------------------------ core 1
// rp2040js emulates core 0 only. For mode dualcore a second instance of its
// Cortex-M0+ runs on the same memory, SIO and spinlocks; SIO CPUID reads the
// number of the core executing, and SEV sets the event register of both
// cores (ending a WFE), as the RP2040 datasheet (2.3.1, 2.3.4) says. Each
// core has its own hardware divider (datasheet 2.3.1.5: the SIO's divider
// registers are per core), where rp2040js has one for the chip: the
// harness keeps a divider state per core and puts the executing core's into
// rp2040js's divider before each access to its registers. The cores step
// one instruction each, the clock by the longer of the two.
// Negative controls: COOP_RP2040_NO_SEV=1 leaves SEV a no-op;
// COOP_RP2040_SHARED_DIVIDER=1 leaves the one divider shared by both cores.
let core1 = null;
let core0SleptNs = 0; // core 0 in WFE while core 1 runs
let current = 0; // the core whose instruction runs now
const SEV = 0xbf40;
const sevEmulated = !process.env.COOP_RP2040_NO_SEV;
const dividerPerCore = !process.env.COOP_RP2040_SHARED_DIVIDER;
const DIV_FIRST = 0x060, DIV_LAST = 0x078; // SIO DIV_UDIVIDEND .. DIV_CSR
const DIV_STATE = ['divDividend', 'divDivisor', 'divQuotient', 'divRemainder', 'divCSR'];
function startCore1(entry, sp) {
  core1 = new core.constructor(rp2040);
  core1.SP = sp;
  core1.PC = entry & ~1;
  const { sio } = rp2040;
  const sioRead = sio.readUint32.bind(sio), sioWrite = sio.writeUint32.bind(sio);
  const divs = [null, DIV_STATE.map((k) => sio[k])]; // core 1's: as at reset
  let divCore = 0; // whose state rp2040js's divider holds
  const divFor = (offset) => {
    if (!dividerPerCore || offset < DIV_FIRST || offset > DIV_LAST || divCore === current) return;
    divs[divCore] = DIV_STATE.map((k) => sio[k]);
    DIV_STATE.forEach((k, i) => (sio[k] = divs[current][i]));
    divCore = current;
  };
  sio.readUint32 = (offset) => {
    if (offset === 0) return current;
    divFor(offset);
    return sioRead(offset);
  };
  sio.writeUint32 = (offset, value) => {
    divFor(offset);
    sioWrite(offset, value);
  };
}
function event(c) {
  if (c.waiting) c.waiting = false;
  else c.eventRegistered = true;
}
function step(c, id) {
  current = id;
  const sev = sevEmulated && rp2040.readUint16(c.PC & ~1) === SEV;
  const cycles = c.executeInstruction();
  if (sev) {
    event(core);
    event(core1);
  }
  current = 0;
  return cycles;
}
// The cores do not run in lockstep: on the chip a core waits now and then
// (a flash read that misses the XIP cache, a bus shared with the other core
// or DMA), so one core's instructions slide against the other's. Each
// instruction a core executes is followed, with a chance of 1 in 16, by a
// stall of 1..32 instruction times (pseudo-random, seeded), so that races
// between the cores are tried at many offsets. COOP_RP2040_LOCKSTEP=1 runs
// them one instruction each, always.
const lockstep = !!process.env.COOP_RP2040_LOCKSTEP;
const stalls = [0, 0];
let stallSeed = 24681357;
function stall(id) {
  if (lockstep) return false;
  if (stalls[id] > 0) {
    stalls[id]--;
    return true;
  }
  stallSeed ^= stallSeed << 13;
  stallSeed >>>= 0;
  stallSeed ^= stallSeed >>> 17;
  stallSeed ^= stallSeed << 5;
  stallSeed >>>= 0;
  if ((stallSeed & 15) === 0) stalls[id] = 1 + ((stallSeed >>> 4) & 31);
  return false;
}
function runDual(tNs) {
  while (stopped === null && clock.nanos < tNs) {
    if (core.waiting && core1.waiting) {
      const next = clock.nextAlarm;
      const stepNs = next ? Math.min(next.nanos, tNs) - clock.nanos : tNs - clock.nanos;
      sleptNs += Math.max(stepNs, 0);
      clock.tick(Math.max(stepNs, 0));
    } else {
      const w0 = core.waiting;
      const c0 = w0 || stall(0) ? 0 : step(core, 0);
      const c1 = core1.waiting || stall(1) ? 0 : step(core1, 1);
      const ns = Math.max(c0, c1) * NS_PER_CYCLE;
      if (w0) core0SleptNs += ns;
      clock.tick(ns);
    }
  }
}

// ------------------------------------------------------------ pins
// Output edges (real changes of the level the pin drives), in time order.
const edges = []; // { pin, t, level }
const outLevel = new Map();
function watch(pin) {
  outLevel.set(pin, false);
  rp2040.gpio[pin].addListener((state) => {
    if (state !== GPIOPinState.High && state !== GPIOPinState.Low) return;
    const level = state === GPIOPinState.High;
    if (level !== outLevel.get(pin)) {
      outLevel.set(pin, level);
      edges.push({ pin, t: clock.nanos, level });
    }
  });
}
function pinEdges(pin) {
  return edges.filter((e) => e.pin === pin);
}

// Inputs: level changes at given times (ns), applied by one clock alarm.
const inLevel = new Map();
const inputs = []; // { t, pin, level }, sorted before start
let nextInput = 0;
const inputAlarm = clock.createAlarm(applyInputs);
function drive(pin, level) {
  if (inLevel.get(pin) === level) return; // rp2040js latches an edge on any write
  inLevel.set(pin, level);
  rp2040.gpio[pin].setInputValue(level);
}
function applyInputs() {
  while (nextInput < inputs.length && inputs[nextInput].t <= clock.nanos) {
    drive(inputs[nextInput].pin, inputs[nextInput].level);
    nextInput++;
  }
  if (nextInput < inputs.length) inputAlarm.schedule(inputs[nextInput].t - clock.nanos);
}
function inputsStart() {
  inputs.sort((a, b) => a.t - b.t);
  if (inputs.length > 0) inputAlarm.schedule(Math.max(inputs[0].t - clock.nanos, 0));
}

// A press of an active-low button: with `bounces`, the contacts chatter over
// the first 5 ms of the press and of the release (pseudo-random, seeded).
let seed = 12345;
function rnd() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
}
function press(pin, atMs, holdMs, bounces) {
  const chatter = (t0, settle) => {
    let t = t0;
    for (let i = 0; i < bounces; i++) {
      inputs.push({ t, pin, level: !settle });
      t += 1000 + (rnd() % Math.floor((5 * MS) / (2 * bounces)));
      inputs.push({ t, pin, level: settle });
      t += 1000 + (rnd() % Math.floor((5 * MS) / (2 * bounces)));
    }
    inputs.push({ t, pin, level: !settle });
    return t;
  };
  const first = atMs * MS;
  chatter(first, true); // down, (up, down) x bounces: ends down
  chatter((atMs + holdMs) * MS, false); // up, (down, up) x bounces: ends up
  return first;
}

// ------------------------------------------------------------ helpers
const fmtMs = (ns) => (ns / MS).toFixed(3);

// A blinking pin: n on-edges, each half period halfMs long, exact to the ms:
// edge k falls in the millisecond (of simulated time) first + k * halfMs,
// where `first` is the millisecond of the first edge. Returns the edges.
function msOf(ns) {
  return Math.floor(ns / MS);
}
function checkBlink(name, pin, n, halfMs) {
  const e = pinEdges(pin);
  const on = e.filter((x) => x.level).length;
  check(on === n && e.length === 2 * n, `${name}: ${on} blinks (${e.length} edges; want ${n} blinks, ${2 * n} edges)`);
  let wrong = 0, late = 0;
  for (let i = 0; i < e.length; i++) {
    if (msOf(e[i].t) !== msOf(e[0].t) + i * halfMs) wrong++;
    late = Math.max(late, e[i].t - msOf(e[i].t) * MS);
  }
  check(e.length > 1 && wrong === 0,
    `${name}: every edge in its millisecond, first + k*${halfMs} ms (${wrong} not; at most ${(late / 1000).toFixed(1)} us into it)`);
  return e;
}

function checkSleep(minFraction) {
  const ran = clock.nanos - START;
  const f = sleptNs / ran;
  check(f > minFraction, `asleep ${(100 * f).toFixed(2)} % of ${fmtMs(ran)} ms (want > ${100 * minFraction} %)`);
}

function checkNoPanic() {
  check(stopped === null || stopped.code === 0, `no fault or panic${stopped && stopped.code !== 0 ? ` (bkpt ${stopped.code}, UART "${uart}")` : ''}`);
}

// ------------------------------------------------------------ modes
const LED1 = 25, LED2 = 15, BUTTON1 = 14;

function modeBlink(two) {
  watch(LED1);
  watch(LED2);
  runUntil(START + 7000 * MS);
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0,
    `main returned 0 (the loop ended) after ${stopped ? fmtMs(stopped.at - START) : '-'} ms` +
    (START > 0 ? ` (reset at ${START / MS} ms of the timer)` : ''));
  const e1 = checkBlink('LED1 (GP25)', LED1, 10, 250);
  if (two) checkBlink('LED2 (GP15)', LED2, 20, 100);
  else check(pinEdges(LED2).length === 0, 'LED2 untouched');
  check(uart === 'done\n', `UART0 printed "done" (got ${JSON.stringify(uart)})`);
  check(e1.length > 0 && e1[0].t - START < 1 * MS,
    `first LED1 edge ${e1.length ? fmtMs(e1[0].t - START) : '-'} ms after reset (< 1 ms)`);
  check(stopped !== null && e1.length > 0 && msOf(stopped.at) === msOf(e1[e1.length - 1].t) + 250,
    'main ended 250 ms after the last edge (the last AWAIT_SLEEP_MS)');
  checkSleep(0.95);
}

function modeDebounced() {
  watch(LED1);
  drive(BUTTON1, true); // released (the pull-up)
  const presses = [500, 1000, 1500, 2000];
  const bounces = [3, 0, 4, 2];
  const starts = presses.map((ms, i) => press(BUTTON1, ms, 100, bounces[i]));
  inputsStart();
  runUntil(2600 * MS);
  checkNoPanic();
  const counts = uart.split('\n').filter((l) => l.startsWith('Press count: '));
  check(counts.length === 4 && counts[3] === 'Press count: 4',
    `one count per press, 4 presses (${counts.length} counted${counts.length === 4 ? '' : `; UART ${JSON.stringify(uart)}`})`);
  check(uart.startsWith('Press the button\n'), 'the greeting first');
  const e = pinEdges(LED1);
  check(e.length === 4, `LED1 toggled once per press (${e.length} edges)`);
  let worst = 0;
  for (let i = 0; i < Math.min(e.length, 4); i++) worst = Math.max(worst, e[i].t - starts[i]);
  check(e.length === 4 && e.every((x, i) => x.t >= starts[i]) && worst < 1 * MS,
    `interrupt -> task: LED1 toggles ${(worst / 1000).toFixed(1)} us (worst) after the press's first edge (< 1 ms)`);
  const ignored = uart.split('\n').filter((l) => l.startsWith('bounce ignored')).length;
  check(ignored >= 1, `bounces reached the task and were ignored (${ignored} lines)`);
  checkSleep(0.9);
}

function modeIrqAlert() {
  watch(LED1);
  watch(LED2);
  drive(BUTTON1, true);
  const starts = [press(BUTTON1, 1000, 60, 0), press(BUTTON1, 2050, 60, 4), press(BUTTON1, 2400, 60, 0),
    press(BUTTON1, 3300, 60, 0)];
  inputsStart();
  runUntil(4200 * MS);
  checkNoPanic();
  const lines = uart.split('\n').filter((l) => l !== '');
  const events = lines.filter((l) => l === 'Event detected: starting alert').length;
  check(lines[0] === 'Interrupt + async demo ready', 'ready first');
  check(events === 3,
    `3 alerts for 4 presses, the one during an alert absorbed (${events}${events === 3 ? '' : `; UART ${JSON.stringify(uart)}`})`);
  const l2 = pinEdges(LED2);
  check(l2.length === 18, `LED2: 3 flashes per alert, 9 in all (${l2.filter((x) => x.level).length} flashes, ${l2.length} edges)`);
  const alerts = [starts[0], starts[1], starts[3]];
  let worstStart = 0, wrongFlash = 0;
  for (let a = 0; a < 3 && l2.length === 18; a++) {
    const base = l2[6 * a].t;
    worstStart = Math.max(worstStart, base - alerts[a]);
    for (let k = 1; k < 6; k++) if (msOf(l2[6 * a + k].t) !== msOf(base) + k * 100) wrongFlash++;
  }
  check(l2.length === 18 && worstStart >= 0 && worstStart < 1 * MS,
    `interrupt -> task: each alert starts ${(worstStart / 1000).toFixed(1)} us (worst) after its press (< 1 ms)`);
  check(l2.length === 18 && wrongFlash === 0, `LED2 flashes 100 ms on, 100 ms off, exact to the ms (${wrongFlash} edges not)`);
  const l1 = pinEdges(LED1);
  let wrong1 = 0;
  for (let i = 1; i < l1.length; i++) if (msOf(l1[i].t) !== msOf(l1[0].t) + i * 700) wrong1++;
  check(l1.length === 6 && wrong1 === 0,
    `LED1 heartbeat every 700 ms through the alerts, exact to the ms (${l1.length} edges, ${wrong1} not)`);
  checkSleep(0.9);
}

function modeDualcore(entry) {
  startCore1(Number(entry), 0x20041000);
  runDual(20000 * MS);
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0,
    `firmware reported and returned 0 (${stopped ? `bkpt ${stopped.code}, r0 ${stopped.r0}` : 'still running'})`);
  const m = new RegExp('dualcore sets=(\\d+) taken=(\\d+) added=(\\d+) worst_us=(\\d+) wakes=(\\d+) late=(\\d+) ' +
    'asserts=(\\d+) div0=(\\d+) bad0=(\\d+) div1=(\\d+) bad1=(\\d+)').exec(uart);
  check(m !== null, `report parsed (UART ${JSON.stringify(uart.slice(-300))})`);
  if (m === null) return;
  const [sets, taken, added, worstUs, wakes, late, asserts, div0, bad0, div1, bad1] = m.slice(1).map(Number);
  check(div0 >= 2 * wakes && div1 > 10000 && bad0 === 0 && bad1 === 0,
    `each core's hardware divider its own: core 0 divided ${div0} times (${bad0} wrong), core 1 ${div1} (${bad1} wrong)`);
  check(sets === 1000 && taken === sets && added === sets,
    `core 1 set the flag ${sets} times: core 0 took ${taken} sets and counted ${added} adds`);
  check(worstUs < 200, `each set woke core 0 at once: worst ${worstUs} us from core 1's set to the task (< 200 us)`);
  check(wakes > 20 && late === 0,
    `core 0's timed task woke ${wakes} times, never late or early by its clock read through the divider (${late})`);
  check(asserts === 0, 'no COOP_ASSERT');
  const f = (core0SleptNs + sleptNs) / clock.nanos;
  check(f > 0.5, `core 0 asleep ${(100 * f).toFixed(1)} % of ${fmtMs(clock.nanos)} ms (core 1 busy-waits; want > 50 %)`);
}

function modeDualring(entry) {
  startCore1(Number(entry), 0x20041000);
  runDual(300 * MS); // it ends after about 35 ms
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0,
    `firmware reported and returned 0 (${stopped ? `bkpt ${stopped.code}, r0 ${stopped.r0}`
      : `still running after 300 ms: core 0 ${core.waiting ? 'asleep' : 'running'} at pc ${core.PC.toString(16)}, ` +
        `core 1 at pc ${core1.PC.toString(16)} (a lost wake-up?)`})`);
  const m = new RegExp('dualring produced=(\\d+) pushed=(\\d+) consumed=(\\d+) overflows=(\\d+) skipped=(\\d+) ' +
    'torn=(\\d+) disorder=(\\d+) asserts=(\\d+)').exec(uart);
  check(m !== null, `report parsed (UART ${JSON.stringify(uart.slice(-300))})`);
  if (m === null) return;
  const [produced, pushed, consumed, overflows, skipped, torn, disorder, asserts] = m.slice(1).map(Number);
  check(produced === 4000 && consumed + overflows === produced && consumed === pushed,
    `core 1 produced ${produced} records: core 0 consumed ${consumed}, the ring dropped ${overflows} (${pushed} pushes accepted)`);
  check(overflows > 0 && consumed > overflows, `the ring was full at times, not always (${overflows} dropped)`);
  check(skipped === overflows && disorder === 0,
    `records in order, the ones missing are the ones dropped (${skipped} skipped, ${disorder} out of order)`);
  check(torn === 0, `every record intact, checksum right (${torn} torn)`);
  check(asserts === 0, 'no COOP_ASSERT');
}

// floats.c: the sums of 1/k^2, k = 1..1000, in float and double, as IEEE
// 754 computes them (Math.fround rounds each float operation's result).
function modeFloats() {
  runUntil(1000 * MS);
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0,
    `main returned 0 (${stopped ? `bkpt ${stopped.code}, r0 ${stopped.r0}` : 'still running'})`);
  const m = /floats f=([0-9a-f]{8}) d=([0-9a-f]{8}):([0-9a-f]{8}) i=(-?\d+) u=(\d+) back=(\d+) rom=(\d+) bad=(\d+) size=(\d+)/.exec(uart);
  check(m !== null, `report parsed (UART ${JSON.stringify(uart.slice(-300))})`);
  if (m === null) return;
  const f32 = Math.fround;
  let f = 0, d = 0;
  for (let k = 1; k <= 1000; k++) {
    f = f32(f + f32(1 / f32(k * k)));
    d += 1 / (k * k);
  }
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat32(0, f);
  const fWant = bits.getUint32(0).toString(16).padStart(8, '0');
  bits.setFloat64(0, d);
  const dWant = `${bits.getUint32(0).toString(16).padStart(8, '0')}:${bits.getUint32(4).toString(16).padStart(8, '0')}`;
  check(m[1] === fWant, `float sum of 1/k^2 (k <= 1000, sleeping every 100 terms): bits ${m[1]} (IEEE 754: ${fWant}, ${f})`);
  check(`${m[2]}:${m[3]}` === dWant, `double sum: bits ${m[2]}:${m[3]} (IEEE 754: ${dWant}, ${d})`);
  check(Number(m[4]) === Math.trunc(-1000 * d) && Number(m[5]) === Math.trunc(f32(1000 * f)),
    `conversions to int and unsigned: ${m[4]}, ${m[5]} (want ${Math.trunc(-1000 * d)}, ${Math.trunc(f32(1000 * f))})`);
  check(Number(m[6]) === 0, `float -> double -> float keeps the value (${m[6]} of 999 changed)`);
  const [rom, bad, size] = [Number(m[7]), Number(m[8]), Number(m[9])];
  check(rom === 3600 && bad === 0, `the boot ROM's float and double tables: ${rom} calls of the served entries, ${bad} results unlike libgcc's`);
  check(size >> 8 >= 32 && (size & 0xff) >= 32, `the tables' size bytes: SF ${size >> 8}, SD ${size & 0xff} entries (>= 32, as the SDK asserts)`);
}

// pin_assert.c: outputs written and toggled with no assert, then a write to
// an input panics with the port's message.
function modePinAssert() {
  watch(LED1);
  runUntil(START + 200 * MS);
  const e = pinEdges(LED1);
  check(uart.includes('outputs written') && e.length >= 2,
    `LED1 written and toggled (${e.length} edges), "outputs written" printed`);
  check(stopped !== null && stopped.code === 2 &&
    uart.includes('coop_pin_write: the pin is not an output (call coop_pin_output first)'),
    `writing an input panics with the message (${stopped ? `bkpt ${stopped.code}` : 'still running'}, UART ${JSON.stringify(uart.slice(-160))})`);
  check(!uart.includes('input written'), 'the write to the input did not return');
}

function modeLongSleep() {
  watch(LED1);
  runUntil(START + 7000000 * MS);
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0, 'main returned 0');
  const e = pinEdges(LED1).map((x) => msOf(x.t - START));
  check(e.length === 3 && e[1] - e[0] === 1500000 && e[2] - e[1] === 5000000,
    `LED1 at ${e.join(', ')} ms: off 1500000 ms after on, on again 5000000 ms later, to the ms`);
  check(uart === 'slept 6500000 ms\n', `UART0 ${JSON.stringify(uart)}`);
  checkSleep(0.9999);
}

// edges.c: GP2 rising, GP3 falling, GP4 both, counted by the firmware;
// GP6 (falling) asks for the report.
const GAP = Number(process.env.GAP || 20000);
function modeEdges() {
  const pins = [2, 3, 4];
  for (const p of pins) drive(p, false);
  drive(6, true);
  const levels = new Map(pins.map((p) => [p, false]));
  const want = { rise: 0, fall: 0, both: 0 };
  let t = 5 * MS;
  const N = Number(process.env.EDGES || 5000);
  for (let i = 0; i < N; i++) {
    // gaps from 20 us (back-to-back with the firmware's work) to 3 ms
    t += (rnd() & 7) === 0 ? GAP : GAP + (rnd() % (3 * MS));
    const p = pins[rnd() % 3];
    const level = !levels.get(p);
    levels.set(p, level);
    inputs.push({ t, pin: p, level });
    if (p === 2 && level) want.rise++;
    if (p === 3 && !level) want.fall++;
    if (p === 4) want.both++;
  }
  inputs.push({ t: t + 5 * MS, pin: 6, level: false });
  inputsStart();
  runUntil(t + 200 * MS);
  check(stopped !== null && stopped.code === 0 && stopped.r0 === 0,
    `firmware reported and returned 0 (${stopped ? `bkpt ${stopped.code}, r0 ${stopped.r0}` : 'still running'})`);
  const m = /edges rise=(\d+) fall=(\d+) both=(\d+) levels=(\d+) wakes=(\d+) late=(\d+) asserts=(\d+)/.exec(uart);
  check(m !== null, `report parsed (UART ${JSON.stringify(uart.slice(-300))})`);
  if (m === null) return;
  const [rise, fall, both, badLevels, wakes, late, asserts] = m.slice(1).map(Number);
  check(rise === want.rise, `GP2 rising edges: ${rise} counted, ${want.rise} driven`);
  check(fall === want.fall, `GP3 falling edges: ${fall} counted, ${want.fall} driven`);
  check(both === want.both, `GP4 both edges: ${both} counted, ${want.both} driven`);
  check(badLevels === 0, `each edge's level right (${badLevels} wrong)`);
  check(wakes > 100 && late === 0, `timed task woke ${wakes} times, never late (${late} late wake-ups)`);
  check(asserts === 0, 'no COOP_ASSERT');
}

// storm.c: GP2 toggled at fixed rates and in bursts (its both-edge interrupt
// feeds a flag, a counter and a ring; GP3 high: the flag only), GP6 (falling)
// asks for a report. The firmware toggles GP8 (every 5 ticks) and GP9 (every
// 3) on absolute deadlines, GP10/11/12 when its counter, flag and ring task
// run, GP13 for each edge its handler is given. Phases of STORM_PHASE_MS
// (300 ms), 20 ms quiet between them; a report after the judged phases and
// one after the limit phases (reported, not judged: beyond what the handler
// can take, see the README).
const STORM_PHASES = [
  { name: '10k edges/s', rate: 10000 },
  { name: '33k edges/s', rate: 33000 },
  { name: '50k edges/s', rate: 50000 },
  { name: '100k edges/s', rate: 100000 },
  { name: '100k edges/s, flag only', rate: 100000, light: true },
  { name: 'bursts of 32 at 100k/s every 1 ms', rate: 100000, burst: 32, every: 1 * MS },
  { name: 'bursts of 16 at 400k/s every 1 ms', rate: 400000, burst: 16, every: 1 * MS },
  { name: '200k edges/s', rate: 200000, limit: true },
  { name: '250k edges/s', rate: 250000, limit: true },
  { name: '300k edges/s, flag only', rate: 300000, light: true, limit: true },
];
const STARVE_BOUND_US = 2000;
function modeStorm() {
  const PIN = { storm: 2, light: 3, report: 6, a: 8, b: 9, counter: 10, flag: 11, ring: 12, isr: 13 };
  for (const p of [PIN.a, PIN.b, PIN.counter, PIN.flag, PIN.ring, PIN.isr]) watch(p);
  drive(PIN.storm, false);
  drive(PIN.light, false);
  drive(PIN.report, true);
  const phaseNs = Number(process.env.STORM_PHASE_MS || 300) * MS, quietNs = 20 * MS;
  let level = false, t0 = 20 * MS;
  const reports = []; // times of GP6's falling edges
  const phases = STORM_PHASES.map((ph, i) => {
    if (ph.limit && !STORM_PHASES[i - 1].limit) {
      reports.push(t0);
      inputs.push({ t: t0, pin: PIN.report, level: false }, { t: t0 + 1 * MS, pin: PIN.report, level: true });
      t0 += quietNs;
    }
    const p = { ...ph, start: t0, end: t0 + phaseNs, bursts: [], driven: 0 };
    const edge = (t) => {
      level = !level;
      inputs.push({ t, pin: PIN.storm, level });
      p.driven++;
    };
    if (p.light) {
      inputs.push({ t: p.start - quietNs / 4, pin: PIN.light, level: true });
      inputs.push({ t: p.end + quietNs / 4, pin: PIN.light, level: false });
    }
    if (p.burst)
      for (let b = p.start; b < p.end; b += p.every) {
        p.bursts.push(b);
        for (let j = 0; j < p.burst; j++) edge(b + Math.round((j * 1e9) / p.rate));
      }
    else for (let k = 0, t = p.start; t < p.end; t = p.start + Math.round((++k * 1e9) / p.rate)) edge(t);
    t0 = p.end + quietNs;
    return p;
  });
  reports.push(t0);
  inputs.push({ t: t0, pin: PIN.report, level: false });
  inputsStart();
  // the handler's time and entries, sampled at each phase's start and in the quiet after it
  for (const p of phases) {
    runUntil(p.start);
    p.irq0 = [gpioIrqNs, gpioIrqEntries];
    runUntil(p.end + quietNs / 2);
    p.irq1 = [gpioIrqNs, gpioIrqEntries];
  }
  runUntil(t0 + quietNs);
  checkNoPanic();

  const inWin = (e, a, b) => e.t >= a && e.t < b;
  const runs = (pin, a, b) => pinEdges(pin).filter((e) => inWin(e, a, b)).map((e) => e.t);
  // a blinker's edge k falls in the millisecond first + k * period
  const blink = (pin, period) => {
    const e = pinEdges(pin);
    return e.map((x, k) => ({ t: x.t, late: msOf(x.t) - (msOf(e[0].t) + k * period), into: x.t - msOf(x.t) * MS }));
  };
  const ba = blink(PIN.a, 5), bb = blink(PIN.b, 3);
  for (const p of phases) {
    const until = p.end + quietNs / 2;
    const seen = runs(PIN.isr, p.start, until).length;
    const merged = p.driven - seen;
    const share = (p.irq1[0] - p.irq0[0]) / (p.end - p.start);
    const entries = p.irq1[1] - p.irq0[1];
    const cycles = entries ? (p.irq1[0] - p.irq0[0]) / NS_PER_CYCLE / entries : 0;
    const lateOf = (b) => b.filter((x) => inWin(x, p.start, until)).reduce((m, x) => Math.max(m, x.late), 0);
    const intoOf = (b) => b.filter((x) => inWin(x, p.start, until)).reduce((m, x) => Math.max(m, x.into), 0);
    const [la, lb] = [lateOf(ba), lateOf(bb)];
    // a consumer's longest wait: between two of its runs while a fixed-rate
    // storm fed it (the phase's start and end count as runs), or from a
    // burst's first edge to its first run after it
    const wait = (pin) => {
      const r = runs(pin, p.start, p.end);
      let w = 0;
      if (p.burst) {
        for (const b of p.bursts) w = Math.max(w, (r.find((t) => t >= b) ?? p.end) - b);
      } else {
        const pts = [p.start, ...r, p.end];
        for (let k = 1; k < pts.length; k++) w = Math.max(w, pts[k] - pts[k - 1]);
      }
      return w / 1000; // us
    };
    const waits = { counter: wait(PIN.counter), flag: wait(PIN.flag), ring: wait(PIN.ring) };
    const fed = p.light ? ['flag'] : ['counter', 'flag', 'ring'];
    console.log(`     storm rp2040 ${p.name}${p.limit ? ' (limit: reported, not judged)' : ''}: ` +
      `${p.driven} edges driven, ${seen} given to the handler (${merged} merged) in ${entries} interrupts ` +
      `of ${cycles.toFixed(0)} cycles; handler ${(100 * share).toFixed(1)} % of the CPU; ` +
      `blinkers late at most ${la}, ${lb} ticks (at most ${(Math.max(intoOf(ba), intoOf(bb)) / 1000).toFixed(1)} us ` +
      `into the tick); longest wait, us: ${['counter', 'flag', 'ring'].map((k) => `${k} ${fed.includes(k) ? waits[k].toFixed(1) : '-'}`).join(' ')}`);
    check(seen <= p.driven && seen >= entries, `${p.name}: ${seen} edges seen of ${p.driven} driven, in ${entries} interrupts`);
    if (p.limit) continue;
    check(la === 0 && lb === 0, `${p.name}: every blink in the tick it was due (blink_a late ${la}, blink_b ${lb} ticks)`);
    for (const k of fed)
      check(waits[k] > 0 && waits[k] < STARVE_BOUND_US,
        `${p.name}: the ${k} task waited at most ${waits[k].toFixed(1)} us (< ${STARVE_BOUND_US} us)`);
  }
  // the reports: exact counts at each; the blinkers' lateness by the port's clock
  const got = [...uart.matchAll(/storm isr=(\d+) flag=(\d+) added=(\d+) counter=(\d+) offered=(\d+) pushed=(\d+) popped=(\d+) over=(\d+)\nstorm late_a=(\d+) late_b=(\d+) wakes_a=(\d+) wakes_b=(\d+) asserts=(\d+)\n/g)];
  check(got.length === reports.length, `${got.length} reports of ${reports.length} (UART ${JSON.stringify(uart.slice(-300))})`);
  got.forEach((m, r) => {
    const [isr, flag, added, counter, offered, pushed, popped, over, lateA, lateB, wakesA, wakesB, asserts] = m.slice(1).map(Number);
    const what = r === 0 ? 'after the judged phases' : 'after the limit phases';
    console.log(`     storm rp2040 report ${what}: ${m[0].replace(/storm /g, '').replace('\n', ' ').trim()}`);
    const isrPin = runs(PIN.isr, 0, reports[r]).length;
    const driven = phases.filter((p) => p.end <= reports[r]).reduce((n, p) => n + p.driven, 0);
    check(isr === isrPin && isr <= driven, `${what}: the handler was given ${isr} edges (GP13: ${isrPin}) of ${driven} driven`);
    check(flag === isr && counter === added && pushed + over === offered && popped === pushed,
      `${what}: flag sets taken ${flag} = handler runs ${isr}; counter ${counter} = adds ${added}; ` +
      `ring ${offered} offered = ${pushed} pushed + ${over} overflowed, ${popped} popped`);
    // the wakes counted up to the report's printing (no task runs while it prints)
    const printed = uartLines.filter((l) => l.text.startsWith('storm isr='))[r].t;
    const [pa, pb] = [runs(PIN.a, 0, printed).length, runs(PIN.b, 0, printed).length];
    check(wakesA === pa && wakesB === pb, `${what}: blinkers woke ${wakesA}, ${wakesB} times (GP8 ${pa}, GP9 ${pb} edges)`);
    if (r === 0) check(lateA === 0 && lateB === 0, `${what}: blinkers late by the port's clock: ${lateA}, ${lateB} ticks at most`);
    else console.log(`     storm rp2040 blinkers late by the port's clock in the limit phases: ${lateA}, ${lateB} ticks at most`);
    check(asserts === 0, `${what}: no COOP_ASSERT`);
  });
  const f = sleptNs / clock.nanos;
  console.log(`     storm rp2040: asleep ${(100 * f).toFixed(1)} % of ${fmtMs(clock.nanos)} ms`);
}

// twin: the example's demo script, compared with its virtual-clock timeline.
const BUTTONS = [14, 13, 12, 11]; // BOARD_BUTTON1..4
const PRESS_MS = 100, CHATTER = [0, 1, 3, 5, 8];
function modeTwin(script, virtualLog) {
  watch(LED1);
  watch(LED2);
  for (const b of BUTTONS) drive(b, true);
  // presses as the virtual port plays them: a key while its button is down
  // holds it 100 ms from that key on
  const presses = [];
  const open = new Map();
  let quitMs = null;
  for (const item of script.trim().split(/[\s,]+/).filter((x) => x !== '')) {
    const m = /^(\d+):([1-4q])(~?)$/.exec(item);
    if (!m) throw new Error(`bad script item ${item}`);
    const at = Number(m[1]);
    if (m[2] === 'q') {
      quitMs = at;
      break;
    }
    const b = Number(m[2]) - 1;
    const p = open.get(b);
    if (p && at - p.at < p.hold) p.hold = at - p.at + PRESS_MS;
    else {
      const q = { b, at, hold: PRESS_MS, bouncy: m[3] === '~' };
      presses.push(q);
      open.set(b, q);
    }
  }
  for (const p of presses) {
    const n = p.bouncy && p.hold > 8 ? CHATTER.length : 1;
    let down = false;
    for (const phase of [0, p.hold])
      for (let i = 0; i < n; i++) {
        down = !down;
        inputs.push({ t: (p.at + phase + CHATTER[i]) * MS, pin: BUTTONS[p.b], level: !down });
      }
  }
  inputsStart();
  const endMs = quitMs ?? 7000;
  runUntil(endMs * MS);
  checkNoPanic();
  // the virtual timeline: "[   t ms] text", without the port's own key lines
  const want = [];
  for (const line of readFileSync(virtualLog, 'utf8').split('\n')) {
    const m = /^\[\s*(\d+) ms\] (.*)$/.exec(line);
    if (m && !m[2].startsWith('key ') && Number(m[1]) < endMs) want.push(`${m[1]} ${m[2]}`);
  }
  const got = [];
  for (const e of edges) if (msOf(e.t) < endMs) got.push(`${msOf(e.t)} LED${e.pin === LED1 ? 1 : 2} ${e.level ? 'on' : 'off'}`);
  for (const l of uartLines) if (msOf(l.t) < endMs) got.push(`${msOf(l.t)} ${l.text}`);
  const byTime = (a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]) || (a < b ? -1 : a > b ? 1 : 0);
  want.sort(byTime);
  got.sort(byTime);
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const same = i === want.length && i === got.length;
  check(want.length > 0 && same,
    same ? `the same ${want.length} LED changes and lines at the same ms as on the virtual clock (to ${endMs} ms)`
      : `differs from the virtual clock at line ${i + 1}: virtual "${want[i] ?? '(end)'}", rp2040 "${got[i] ?? '(end)'}"`);
  if (!same && process.env.COOP_RP2040_VERBOSE) {
    console.log('virtual:', want.join(' | '));
    console.log('rp2040: ', got.join(' | '));
  }
}

const modes = { blink1: () => modeBlink(false), blink2: () => modeBlink(true), debounced_counter: modeDebounced,
  irq_alert: modeIrqAlert, edges: modeEdges, storm: modeStorm, long_sleep: modeLongSleep, floats: modeFloats,
  pin_assert: modePinAssert };
if (modeArg === 'twin') modes[mode] = () => modeTwin(extra[1], extra[2]);
if (modeArg === 'dualcore') modes[mode] = () => modeDualcore(extra[0]);
if (modeArg === 'dualring') modes[mode] = () => modeDualring(extra[0]);
if (!modes[mode]) {
  console.error(`harness: unknown mode ${mode}`);
  process.exit(2);
}
const t0 = Date.now();
modes[mode]();
// the stand-in boot ROM's stops (tests/rp2040/bootrom/rom.c)
const hex = (x) => `0x${x.toString(16)}`;
const romStops = {
  0x44: (r0) => `the firmware looked up ROM data '${String.fromCharCode(r0 & 0xff, r0 >>> 8)}', which the stand-in ROM does not serve`,
  0x45: (r0) => `boot2's CRC is wrong (the ROM computed ${hex(r0)}): the image would not boot on a chip`,
  0x46: (r0) => `the firmware called the ${r0 >>> 8 === 1 ? 'float (SF)' : 'double (SD)'} ROM table's entry ${hex(r0 & 0xff)}, ` +
    'which the stand-in ROM does not serve (see bootrom/rom.c)',
};
if (stopped && romStops[stopped.code]) check(false, `boot ROM: ${romStops[stopped.code](stopped.r0)}`);
const errors = warnings.filter((w) => w.startsWith('error'));
check(errors.length === 0, `no emulator errors${errors.length ? `: ${errors.slice(0, 3).join('; ')}` : ''}`);
if (process.env.COOP_RP2040_VERBOSE) for (const w of warnings) console.log(`     emulator: ${w}`);
console.log(`     ${mode}: ${fmtMs(clock.nanos)} ms simulated in ${Date.now() - t0} ms, pc ${rp2040.core.PC.toString(16)}`);
process.exit(failures === 0 ? 0 : 1);
