#!/usr/bin/env bash
# Prepares a machine for the project: Graphviz (system package) and the Python virtual environment.
# With --testes it also installs what the tests need: Chromium (browser tests), jq (AWS's CLI tutorials pipe
# into it, tests/conformance) and Hunspell with the pt-BR dictionary (spelling test), so `make serve` alone
# never downloads a browser.
# With --labs it prepares only what the labs need (Python): no Graphviz, which only the site build uses.
# Idempotent: does nothing when everything is already in place. Messages are for students (pt-BR).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PYTHON=${PYTHON:-python3}
STAMP=$VENV/.instalado

say() { printf '==> %s\n' "$*"; }
fail() { printf '\nERRO: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else fail "é preciso ser root (ou ter sudo) para instalar '$*'. Peça a quem administra a máquina ou rode como root."
    fi
}

# present THING: THING is a command on PATH, or (when it starts with /) a file that exists.
present() {
    case $1 in
        /*) [ -e "$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

describe() {
    case $1 in
        /*) printf "o arquivo '%s'" "$1" ;;
        *) printf "o comando '%s'" "$1" ;;
    esac
}

# apt_install PACKAGE THING HOW_ELSEWHERE: installs PACKAGE through apt when THING (a command, or an
# absolute path to a file the package provides) is missing.
apt_install() {
    local package=$1 thing=$2 elsewhere=$3
    present "$thing" && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        fail "$(describe "$thing") (pacote $package) não foi encontrado e este sistema não tem apt-get.
Instale-o manualmente e rode o comando de novo:
$elsewhere"
    fi
    say "Instalando $package com apt-get ($(describe "$thing") não foi encontrado)"
    if [ -z "${APT_UPDATED:-}" ]; then
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    present "$thing" || fail "a instalação de $package terminou, mas $(describe "$thing") continua ausente."
}

check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 || fail "Python 3.11 ou mais novo é necessário e '$PYTHON' não foi encontrado.
  Debian/Ubuntu: sudo apt-get install python3 python3-venv"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || fail "este projeto precisa de Python 3.11 ou mais novo; '$PYTHON' é $("$PYTHON" --version 2>&1)."
}

make_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "Criando o ambiente virtual em $VENV"
        "$PYTHON" -m venv "$VENV" 2>/dev/null || {
            command -v apt-get >/dev/null 2>&1 || fail "não foi possível criar o ambiente virtual. Instale o módulo venv do Python."
            as_root apt-get update -qq
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv "$VENV"
        }
    fi
    if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
        say "Instalando os pacotes Python fixados em pyproject.toml (pode levar alguns minutos na primeira vez)"
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e '.[dev]'
        touch "$STAMP"
    fi
}

check_python
[ "${1:-}" = "--labs" ] || apt_install graphviz dot "  macOS (Homebrew): brew install graphviz
  Fedora/RHEL: sudo dnf install graphviz
  Windows: use o WSL (Ubuntu) e rode este comando lá dentro."
if [ "${1:-}" = "--testes" ]; then
    apt_install chromium "${CHROMIUM:-chromium}" "  macOS (Homebrew): brew install --cask chromium
  Fedora/RHEL: sudo dnf install chromium
  Em outro caminho, aponte a variável CHROMIUM para o executável do Chromium."
    apt_install jq jq "  macOS (Homebrew): brew install jq
  Fedora/RHEL: sudo dnf install jq"
    apt_install hunspell hunspell "  macOS (Homebrew): brew install hunspell
  Fedora/RHEL: sudo dnf install hunspell"
    apt_install hunspell-pt-br /usr/share/hunspell/pt_BR.dic "  Fedora/RHEL: sudo dnf install hunspell-pt
  macOS: copie pt_BR.aff e pt_BR.dic (do LibreOffice/VERO) para /usr/share/hunspell/"
fi
make_venv
# JupyterLab in Portuguese, and no prompt about Jupyter news over the first lab.
mkdir -p "$VENV/share/jupyter/lab/settings"
cp scripts/jupyterlab-overrides.json "$VENV/share/jupyter/lab/settings/overrides.json"
say "Ambiente pronto."
