"""`egress drill`: a site's design on a real FRR/Linux data plane in network namespaces,
failures injected, the design's failover promises measured from packets."""
