# Finds a JDK 21 or newer for Promptyard; sourced (POSIX sh) by mvnw and bin/promptyard.
# Looks at PROMPTYARD_JAVA_HOME, JAVA_HOME, the java on PATH, /usr/lib/jvm, /usr/java, /opt/java,
# /Library/Java/JavaVirtualMachines and SDKMAN, and prints the first home whose version is 21+.

promptyard_jdk_version() { # $1: a JDK home; prints its feature version (17, 21, 25…) or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

promptyard_jdk_ok() { # $1: a JDK home; succeeds when it is a JDK 21+
  _py_v=$(promptyard_jdk_version "$1")
  [ -n "$_py_v" ] && [ "$_py_v" -ge 21 ]
}

promptyard_find_jdk() {
  for _py_home in "${PROMPTYARD_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
    if [ -n "$_py_home" ] && promptyard_jdk_ok "$_py_home"; then echo "$_py_home"; return 0; fi
  done
  if command -v java >/dev/null 2>&1; then
    _py_home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n 1)
    if [ -n "$_py_home" ] && promptyard_jdk_ok "$_py_home"; then echo "$_py_home"; return 0; fi
  fi
  # mvnw runs with globbing off (set -f); the search below needs it.
  case $- in *f*) _py_noglob=1; set +f ;; *) _py_noglob= ;; esac
  _py_found=
  for _py_home in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "${HOME:-/nonexistent}"/.sdkman/candidates/java/*; do
    if [ -d "$_py_home" ] && promptyard_jdk_ok "$_py_home"; then _py_found=$_py_home; break; fi
  done
  [ -n "$_py_noglob" ] && set -f
  [ -n "$_py_found" ] && echo "$_py_found"
}

promptyard_require_jdk() {
  _py_jdk=$(promptyard_find_jdk)
  if [ -z "$_py_jdk" ]; then
    cat >&2 <<'MSG'
Promptyard needs a JDK 21 or newer (it targets Java 21), and none was found in
PROMPTYARD_JAVA_HOME, JAVA_HOME, PATH, /usr/lib/jvm or SDKMAN.
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk   (or temurin-21-jdk from Adoptium)
  macOS:          brew install openjdk@21
  SDKMAN:         sdk install java 21-tem
then run the command again (or set JAVA_HOME to its home).
MSG
    return 1
  fi
  echo "$_py_jdk"
}

promptyard_java_options() { # $1: a JDK home; prints the JVM options promptyard runs with on it
  printf '%s' "-XX:+UseG1GC --enable-native-access=ALL-UNNAMED"
  # JDK 24+ warns when a library (Netty, for one) uses sun.misc.Unsafe's memory access; it may, for now
  if [ "$(promptyard_jdk_version "$1")" -ge 24 ]; then printf ' %s' "--sun-misc-unsafe-memory-access=allow"; fi
  echo
}
