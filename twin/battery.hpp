#pragma once
/// Battery pack models (the catalogue) and individual packs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace swaptwin::twin {

/// A pack model in the catalogue, keyed by nominal voltage ("48V", "60V", "72V").
struct battery_model {
  std::string id;         ///< "60V"
  int nominal_v = 0;      ///< 60
  int capacity_wh = 0;    ///< usable energy of a new pack
  std::string chemistry;  ///< "NMC", "LFP"
};

/// The three models the operator starts with (48 V, 60 V, 72 V).
std::vector<battery_model> default_models();

/// Where a pack is.
enum class pack_place : std::uint8_t { warehouse, slot, rider, transit };
/// "warehouse", "slot", "rider", "transit".
std::string_view to_string(pack_place p) noexcept;
/// Inverse of to_string; false when `s` names no place.
bool from_string(std::string_view s, pack_place& out) noexcept;

/// One physical pack.
struct battery {
  std::string sn;                       ///< serial number, at most 50 characters (OCPP)
  std::string model_id;                 ///< battery_model::id
  double soc = 0.0;                     ///< state of charge in [0, 1]
  double soh = 1.0;                     ///< state of health in [0, 1]
  double cycles = 0.0;                  ///< equivalent full cycles
  double temperature_c = 25.0;          ///< last reported temperature
  pack_place place = pack_place::warehouse;
  std::string place_ref;                ///< "SN:slot" for a slot, the rider id for a rider
  std::int64_t energy_in_wh = 0;        ///< total charged into the pack
  std::int64_t energy_out_wh = 0;       ///< total drawn from the pack
};

/// Energy a rider drew from a pack handed out at `soc_out` and returned at `soc_back`, in Wh.
/// Never negative (a pack cannot come back fuller than it left).
std::int64_t energy_drawn_wh(int capacity_wh, double soh, double soc_out, double soc_back) noexcept;

/// Ages `b` by `energy_wh` of throughput: equivalent cycles grow by energy / capacity and SoH
/// falls by `soh_loss_per_cycle` per cycle (never below 0).
void wear(battery& b, std::int64_t energy_wh, int capacity_wh, double soh_loss_per_cycle) noexcept;

/// True when `b` has aged below `retire_below_soh` and must leave service.
bool retire_due(const battery& b, double retire_below_soh) noexcept;

}  // namespace swaptwin::twin
