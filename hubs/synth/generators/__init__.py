"""One module per feature; each registers its generator(s) with `hubs.synth.registry`."""
