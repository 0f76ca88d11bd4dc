# tests/packaging/pico-sdk/pico_sdk_init.cmake - NOT pico-sdk: a stand-in for
# its pico_sdk_init.cmake, so that make test-packaging can check that coop's
# CMakeLists.txt still builds as it does with the real SDK (pico-sdk is in no
# package archive; README says how it was checked by hand). Included before
# project(), as the SDK's is: it sets the toolchain (arm-none-eabi-gcc,
# Cortex-M0+); pico_sdk_init() then defines the SDK's library targets coop
# links (pico_stdlib, hardware_*) over tests/rp2040/sdk, the stand-in SDK
# of make rp2040 (its headers, its code and boot2, its linker script), and
# the pico_* functions coop's recipes call (pico_add_extra_outputs: a .bin).
#
# SPDX-License-Identifier: MIT
if(NOT CMAKE_TOOLCHAIN_FILE)
  set(CMAKE_TOOLCHAIN_FILE "${CMAKE_CURRENT_LIST_DIR}/toolchain.cmake")
endif()
get_filename_component(COOP_STANDIN_SDK "${CMAKE_CURRENT_LIST_DIR}/../../rp2040/sdk" ABSOLUTE)

macro(pico_sdk_init)
  set(CMAKE_EXECUTABLE_SUFFIX .elf) # as the SDK's: <name>.elf beside <name>.bin
  add_library(pico_stdlib INTERFACE)
  target_include_directories(pico_stdlib INTERFACE "${COOP_STANDIN_SDK}/include")
  target_sources(pico_stdlib INTERFACE "${COOP_STANDIN_SDK}/standin.c" "${COOP_STANDIN_SDK}/boot2.S")
  target_link_options(pico_stdlib INTERFACE -nostartfiles --specs=nano.specs
                      "-T${COOP_STANDIN_SDK}/memmap.ld" -Wl,--gc-sections)
  foreach(lib hardware_sync hardware_timer hardware_gpio hardware_irq)
    add_library(${lib} INTERFACE)
  endforeach()
endmacro()

function(pico_enable_stdio_uart target on)
  set_property(TARGET ${target} APPEND PROPERTY COOP_STANDIN_STDIO "uart=${on}")
endfunction()

function(pico_enable_stdio_usb target on)
  set_property(TARGET ${target} APPEND PROPERTY COOP_STANDIN_STDIO "usb=${on}")
endfunction()

function(pico_add_extra_outputs target)
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND "${CMAKE_OBJCOPY}" -O binary "$<TARGET_FILE:${target}>" "$<TARGET_FILE_DIR:${target}>/${target}.bin")
endfunction()
