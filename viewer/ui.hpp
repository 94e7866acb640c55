#pragma once
/// The viewer's UI: ImGui calls over a view_model. Call draw_ui between ImGui::NewFrame and
/// ImGui::Render. The UI never changes the model; what the operator asks for lands in ui_state
/// (selection, map view, time controls, and a queue of actions for the shell to send to the API).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <imgui.h>

#include "viewer/time_control.hpp"
#include "viewer/view_model.hpp"

namespace swaptwin::viewer {

/// The panels of the left navigation bar, in its order.
enum class panel {
  dashboard,           ///< the network's numbers today
  map,                 ///< stations and agents on a map
  stations,            ///< the station list: rename, accept/reject
  station_detail,      ///< one station's slot grid
  batteries,           ///< the pack list
  riders,              ///< riders with KYC, plan and deposit
  plans_deposits,      ///< plans on sale, deposits by battery model
  agents_work_orders,  ///< agents and work orders with SLA countdowns
  alerts,              ///< alerts, newest first
  time,                ///< pause, step, speed, jump
};

/// Number of panels (for iteration).
inline constexpr int panel_count = 10;

/// The panel's title: the navigation bar label and the name of its ImGui window ("Map", ...).
const char* panel_title(panel p);

/// Fixed map colours of the station categories (and of agents), as ImGui packed colours.
namespace colours {
inline constexpr ImU32 online_stocked = IM_COL32(46, 160, 67, 255);     ///< green
inline constexpr ImU32 online_low_stock = IM_COL32(230, 160, 0, 255);   ///< amber
inline constexpr ImU32 offline = IM_COL32(128, 128, 128, 255);          ///< grey
inline constexpr ImU32 fault = IM_COL32(220, 50, 47, 255);              ///< red
inline constexpr ImU32 agent = IM_COL32(66, 133, 244, 255);             ///< blue (triangle and route)
inline constexpr ImU32 selection = IM_COL32(255, 255, 255, 255);        ///< ring round the selected station
inline constexpr ImU32 map_background = IM_COL32(24, 28, 34, 255);     ///< canvas fill
inline constexpr ImU32 label = IM_COL32(210, 214, 220, 255);            ///< station names on the map
}  // namespace colours

/// The map colour of a station category.
ImU32 category_colour(station_category c);

/// The map writes station names beside the markers when at most this many stations are in view.
inline constexpr int max_labelled_stations = 40;

/// Map marker geometry: every station is one filled circle of this radius and segment count.
inline constexpr float marker_radius = 6.0f;
/// Segments of a station marker circle (each marker has exactly this many vertices of its colour).
inline constexpr int marker_segments = 12;
/// A left click this close to a marker's centre (pixels) selects its station: the radius plus a
/// little slack, so that small markers are easy to hit.
inline constexpr float marker_hit_radius = marker_radius + 2.0f;

/// The map's view: an equirectangular projection centred on (center_lat, center_lon) at
/// `pixels_per_degree`, shown in the canvas rectangle the last frame laid out.
struct map_view {
  double center_lat = 0;            ///< latitude at the canvas centre
  double center_lon = 0;            ///< longitude at the canvas centre
  double pixels_per_degree = 1000;  ///< zoom (of latitude; longitude is scaled by cos(center_lat))
  bool fitted = false;              ///< false: the next frame fits the view to all stations
  ImVec2 canvas_min{0, 0};          ///< top-left of the canvas on screen (set by the last frame)
  ImVec2 canvas_size{0, 0};         ///< canvas size in pixels (set by the last frame)
};

/// Screen position of (lat, lon) in `view`.
ImVec2 project(const map_view& view, double lat, double lon);

/// Operator actions the UI queues for the shell to send through the API.
namespace actions {
/// Rename a station.
struct rename_station {
  std::string sn;        ///< station
  std::string new_name;  ///< its new name
};
/// Accept a pending station into the network.
struct accept_station {
  std::string sn;  ///< station
};
/// Reject a pending station.
struct reject_station {
  std::string sn;  ///< station
};
/// Take a slot out of service, or put it back.
struct set_slot_enabled {
  std::string sn;        ///< station
  int slot = 0;          ///< slot index
  bool enabled = false;  ///< true: back in service
};
/// Mark a rider's real-name verification as verified.
struct verify_rider {
  std::string rider_id;  ///< rider
};
/// Acknowledge a work order.
struct acknowledge_work_order {
  std::string work_order_id;  ///< work order
};
/// Send an agent to an open work order.
struct assign_work_order {
  std::string work_order_id;  ///< work order
  std::string agent_id;       ///< the agent to send
};
}  // namespace actions

/// Any operator action.
using action = std::variant<actions::rename_station, actions::accept_station, actions::reject_station,
                            actions::set_slot_enabled, actions::verify_rider,
                            actions::acknowledge_work_order, actions::assign_work_order>;

/// What the UI remembers between frames and what it asks of the shell.
struct ui_state {
  panel selected_panel = panel::dashboard;  ///< the panel shown on the right
  std::string selected_station;             ///< SN of the station the detail panel shows; may be empty
  map_view map;                             ///< map pan and zoom
  time_control time;                        ///< pause, speed, step, jump requests
  std::vector<action> actions;              ///< queued operator actions; the shell takes them
  std::string rename_buffer;                ///< the Stations panel's rename text field
  std::string jump_buffer;                  ///< the Time panel's "jump to" text field
  std::string assign_agent;                 ///< the agent the work-order table's "Assign" buttons send; empty: the first on duty
  std::int64_t timeline_minute = 0;         ///< the Time panel's timeline slider, minutes from the timeline's start
  bool timeline_dragging = false;           ///< the slider is held: the source's time does not move it
  float navigation_width = 210;             ///< width of the left navigation bar in pixels
  bool copy_panel_text = false;             ///< copy the next frame's panel as text to ImGui's clipboard
};

/// Draws the whole viewer for one frame: the navigation bar on the left and the selected panel in
/// the rest of the display. Must run between ImGui::NewFrame and ImGui::Render.
void draw_ui(const view_model& vm, ui_state& state);

}  // namespace swaptwin::viewer
