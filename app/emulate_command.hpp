#pragma once
/// `swaptwin emulate`: N OCPP 2.1 cabinets against a running `swaptwin serve` (adapters/emulator.hpp).

#include "app/cli.hpp"

namespace swaptwin::app {

/// Registers `emulate`; when chosen on the command line it goes into `chosen`.
void add_emulate_command(CLI::App& app, command& chosen);

}  // namespace swaptwin::app
