"""One run of the experiment, stage by stage: data → generator → classifier → results, with the caches and the
pretrained starting points they share."""
