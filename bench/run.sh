#!/usr/bin/env bash
echo "Le banc de mesure arrive avec le prochain commit."
