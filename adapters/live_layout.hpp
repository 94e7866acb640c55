#pragma once
/// The deterministic layout shared by `swaptwin emulate` and `swaptwin admin provision`: which
/// cabinets exist, which pack sits in which slot and which rider holds which pack. Both sides
/// compute it from the same few numbers, so the server's database and the emulated cabinets agree
/// without exchanging files. Plain values only: no CAF, no Asio, no store.
///
/// Cabinet n is `prefix + n` zero-padded ("EMU-00001"). At provisioning, slot s (1-based) of a
/// cabinet with `slots` slots holds pack `<SN>-S<ss>` for s = 1..slots-1 (48V, SoC 1.0, SoH 1.0);
/// the last slot is empty, so the first return finds a free slot. Rider r = 1..riders of a cabinet
/// is `<SN>-R<rr>` and holds pack `<SN>-H<rr>` (48V, SoC 0.3, SoH 1.0).

#include <cstddef>
#include <string>
#include <vector>

namespace swaptwin::adapters::layout {

/// The battery model of every provisioned pack.
inline constexpr const char* pack_model = "48V";
/// SoC of a slot's pack at provisioning.
inline constexpr double slot_pack_soc = 1.0;
/// SoC of a rider's pack at provisioning.
inline constexpr double rider_pack_soc = 0.3;

/// `prefix` + `n` zero-padded to `width` digits: cabinet_sn("EMU-", 1) == "EMU-00001".
std::string cabinet_sn(const std::string& prefix, std::size_t n, int width = 5);
/// Pack in slot `slot` (1-based) at provisioning: "<SN>-S<ss>" (two digits at least).
std::string slot_pack_sn(const std::string& sn, int slot);
/// Id of rider `r` (1-based) of cabinet `sn`: "<SN>-R<rr>".
std::string rider_id(const std::string& sn, int r);
/// Pack rider `r` of cabinet `sn` holds at provisioning: "<SN>-H<rr>".
std::string rider_pack_sn(const std::string& sn, int r);

/// What a layout is computed from.
struct params {
  std::string prefix = "EMU-";  ///< SN prefix
  std::size_t first = 1;        ///< number of the first cabinet
  std::size_t stations = 1;     ///< how many cabinets
  int width = 5;                ///< digits of the number
  int slots = 12;               ///< slots per cabinet (>= 1)
  int riders_per_station = 4;   ///< riders per cabinet (>= 0)
};

/// One pack as provisioned.
struct pack {
  std::string sn;                  ///< serial number
  std::string model = pack_model;  ///< battery model id
  double soc = 1.0;                ///< state of charge in [0, 1]
  double soh = 1.0;                ///< state of health in [0, 1]
};

/// One slot as provisioned.
struct slot {
  int index = 0;      ///< 1-based (OCPP evseId)
  bool full = false;  ///< whether `pack` is there
  pack content;       ///< the pack when `full`
};

/// One rider as provisioned.
struct rider {
  std::string id;  ///< "<SN>-R<rr>"
  pack holding;    ///< the pack they hold
};

/// One cabinet as provisioned.
struct station {
  std::string sn;              ///< "<prefix><number>"
  std::size_t number = 0;      ///< its number
  std::vector<slot> slots;     ///< slots 1..n in order
  std::vector<rider> riders;   ///< riders 1..r in order
};

/// Cabinet `number` as provisioned (its slots, packs and riders).
station station_at(const params& p, std::size_t number);
/// The whole provisioning: stations first .. first + stations - 1, in order.
std::vector<station> provisioning(const params& p);

}  // namespace swaptwin::adapters::layout
