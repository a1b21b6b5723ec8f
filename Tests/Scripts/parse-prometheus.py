#!/usr/bin/env python3
"""Parse Prometheus text exposition on stdin with prometheus_client's parser (the reference
Python implementation) and print the families and samples as JSON."""
import json, sys
from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({"name": family.name, "type": family.type, "documentation": family.documentation,
                     "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
json.dump(families, sys.stdout)
