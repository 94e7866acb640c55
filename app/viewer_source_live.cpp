// PLACEHOLDER (not to be committed): replaced by the live source.
#include <stdexcept>
#include "app/viewer_source.hpp"
namespace swaptwin::app {
std::unique_ptr<viewer_source> make_live_source(const live_source_options&) { throw std::runtime_error("the live source is not built yet"); }
}
