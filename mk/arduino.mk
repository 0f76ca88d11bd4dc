# mk/arduino.mk - coop as an Arduino library (arduino/): `make arduino-lib`
# writes it to $(BUILD)/arduino-lib/coop (arduino/mklib.sh says why it is
# generated); `make test-arduino` generates it into $(BUILD)/arduino/libraries,
# checks library.properties, keywords.txt and the examples' folders, builds
# every example with arduino-builder and Debian's Arduino AVR core (Uno),
# then runs Blink2 in simavr through the AVR harness (tests/avr/harness.c).
# Packages: .ci/deps.d/arduino.list.

CHECK_TARGETS += test-arduino
.PHONY: test-arduino arduino-lib

help::
	@echo "  make arduino-lib     coop as an Arduino library in $(BUILD)/arduino-lib/coop (copy it to libraries/)"
	@echo "  make test-arduino    the Arduino library: its metadata, every example built by arduino-builder"
	@echo "                       (arduino:avr:uno, no warnings); Blink2 in simavr (edges, UART, sleep)"

arduino-lib:
	@bash arduino/mklib.sh $(BUILD)/arduino-lib/coop

test-arduino:
	@BUILD=$(BUILD) bash tests/arduino/run.sh
