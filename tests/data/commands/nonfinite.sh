#!/bin/sh
echo inf
