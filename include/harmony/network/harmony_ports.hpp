// Umbrella header: everything public in harmony::network.
#pragma once

#include <harmony/network/allocator.hpp>
#include <harmony/network/error.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/fleet_check.hpp>
#include <harmony/network/hint.hpp>
#include <harmony/network/host_check.hpp>
#include <harmony/network/host_facts.hpp>
#include <harmony/network/host_report.hpp>
#include <harmony/network/host_scan.hpp>
#include <harmony/network/known_ports.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/number.hpp>
#include <harmony/network/policy.hpp>
#include <harmony/network/port_range.hpp>
#include <harmony/network/port_table.hpp>
#include <harmony/network/protocol.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/service_name.hpp>
#include <harmony/network/topology.hpp>
#include <harmony/network/version.hpp>
