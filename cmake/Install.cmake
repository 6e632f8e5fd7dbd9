# What `cmake --install` puts in place, relocatable: every path below is relative to the prefix.
include(CMakePackageConfigHelpers)

set(HARMONY_PORTS_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "where the agent's systemd unit goes (relative to the prefix, or absolute)")
set(HARMONY_PORTS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/HarmonyPorts)

install(TARGETS harmony-ports RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY ${HARMONY_PORTS_GENERATED}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR}
        COMPONENT runtime)
install(FILES ${HARMONY_PORTS_GENERATED}/harmony-ports.bash RENAME harmony-ports
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)
install(FILES ${HARMONY_PORTS_GENERATED}/_harmony-ports
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT runtime)
install(FILES ${HARMONY_PORTS_GENERATED}/harmony-ports.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)
install(FILES contrib/systemd/harmony-ports-agent@.service
        DESTINATION ${HARMONY_PORTS_SYSTEMD_UNIT_DIR} COMPONENT runtime)

install(TARGETS harmony_ports harmony_ports_shared EXPORT HarmonyPortsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
install(DIRECTORY include/harmony ${PROJECT_BINARY_DIR}/include/harmony
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
install(FILES include/harmony_ports.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT development)
install(EXPORT HarmonyPortsTargets NAMESPACE HarmonyPorts:: DESTINATION ${HARMONY_PORTS_CMAKE_DIR}
        COMPONENT development)
configure_package_config_file(cmake/HarmonyPortsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/HarmonyPortsConfig.cmake INSTALL_DESTINATION ${HARMONY_PORTS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/HarmonyPortsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/HarmonyPortsConfig.cmake
              ${PROJECT_BINARY_DIR}/HarmonyPortsConfigVersion.cmake
        DESTINATION ${HARMONY_PORTS_CMAKE_DIR} COMPONENT development)

# pkg-config: harmony-ports (the C++ library) and harmony-ports-c (the C ABI's shared library).
# The prefix is found from the .pc file's own folder, so a moved prefix still works.
file(RELATIVE_PATH HARMONY_PORTS_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
foreach(pc harmony-ports harmony-ports-c)
  configure_file(cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
          COMPONENT development)
endforeach()
