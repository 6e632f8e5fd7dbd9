// The HTML map's stylesheet and script, kept apart from the C++ that assembles the page.
#pragma once

#include <string_view>

namespace harmony::network::map_page {

// The page's CSS: state colours, the grid, the panels. Contains no "</".
std::string_view style();

// The page's JavaScript, first part: reading the data, the states and pools, drawing grids.
// It uses no innerHTML: every text shown is set with textContent or setAttribute.
std::string_view script_grid();

// The page's JavaScript, second part: details on hover, legend, search, findings, start-up.
std::string_view script_panels();

}  // namespace harmony::network::map_page
