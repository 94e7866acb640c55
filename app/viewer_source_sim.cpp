// PLACEHOLDER (not to be committed): replaced by the sim source.
#include <stdexcept>
#include "app/viewer_source.hpp"
namespace swaptwin::app {
std::unique_ptr<viewer_source> make_sim_source(const sim_source_options&) { throw std::runtime_error("the sim source is not built yet"); }
}
