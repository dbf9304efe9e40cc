"""The names a config may use for models, layers and MLP figures, without importing torch:
the workflow checks a config with these while Snakemake parses it, which should stay fast."""

RESNET_NAMES = ("resnet18", "resnet50", "resnet152")
LAYER_NAMES = ("conv1", "conv2", "conv3", "conv4", "conv5")  # the paper's stages (He et al.)
MLP_FIGURE_NAMES = ("fig6", "fig7", "fig8", "fig9", "figS2")
