#include "actors/protocol.hpp"

#include "actors/clock.hpp"

namespace swaptwin::actors {

void register_types(system_config& cfg) {
  cfg.add_message_type<swap_request>("swaptwin::swap_request");
  cfg.add_message_type<swap_result>("swaptwin::swap_result");
  cfg.add_message_type<pack_reading>("swaptwin::pack_reading");
  cfg.add_message_type<std::vector<pack_reading>>("std::vector<swaptwin::pack_reading>");
  cfg.add_message_type<cabinet_swap>("swaptwin::cabinet_swap");
  cfg.add_message_type<cabinet_answer>("swaptwin::cabinet_answer");
  cfg.add_message_type<link_record>("swaptwin::link_record");
  cfg.add_message_type<slot_status>("swaptwin::slot_status");
  cfg.add_message_type<authorize_request>("swaptwin::authorize_request");
  cfg.add_message_type<authorize_result>("swaptwin::authorize_result");
  cfg.add_message_type<settle_request>("swaptwin::settle_request");
  cfg.add_message_type<settle_result>("swaptwin::settle_result");
  cfg.add_message_type<sim_event>("swaptwin::sim_event");
  cfg.add_message_type<station_sample>("swaptwin::station_sample");
  cfg.add_message_type<stock_update>("swaptwin::stock_update");
  cfg.add_message_type<find_request>("swaptwin::find_request");
  cfg.add_message_type<fault>("swaptwin::fault");
  cfg.add_message_type<alert>("swaptwin::alert");
  cfg.add_message_type<assignment>("swaptwin::assignment");
  cfg.add_message_type<ledger_entry>("swaptwin::ledger_entry");
  cfg.add_message_type<std::vector<ledger_entry>>("std::vector<swaptwin::ledger_entry>");
  cfg.add_message_type<charge_order>("swaptwin::charge_order");
  cfg.add_message_type<slot_ready>("swaptwin::slot_ready");
  cfg.add_message_type<pack_report>("swaptwin::pack_report");
  cfg.add_message_type<station_status>("swaptwin::station_status");
  cfg.add_message_type<cabinet_record>("swaptwin::cabinet_record");
}

}  // namespace swaptwin::actors
