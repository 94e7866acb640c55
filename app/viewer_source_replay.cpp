// PLACEHOLDER (not to be committed): replaced by the replay source.
#include <stdexcept>
#include "app/viewer_source.hpp"
namespace swaptwin::app {
std::unique_ptr<viewer_source> make_replay_source(const replay_source_options&) { throw std::runtime_error("the replay source is not built yet"); }
}
