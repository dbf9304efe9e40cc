"""The models the paper inverts, and where their weights come from.

    vision          any torchvision classification model cut at five named layers (the paper's
                    ResNets at Conv1..Conv5 among them): building, weights, cuts, depths, sizes
    architectures   the same models' cut names, depths and size rules without torch (generated
                    from vision; the workflow checks a config against it)
    mlp             fully connected models (section 4)
    classifiers     the Sec 7 classifiers (widths shrinking or growing with depth)
    autoencoder     the blog's fully connected autoencoder, every hidden layer wider than its input
    weights         ImageNet weights, the project's checkpoints and tensor files (weights_only loads)

This file holds the names a config may use; it imports no torch, so the workflow can check a
config while Snakemake parses it.
"""

RESNET_NAMES = ("resnet18", "resnet50", "resnet152")  # the paper's ResNets (the noise-label model's choices)
LAYER_NAMES = ("conv1", "conv2", "conv3", "conv4", "conv5")  # the paper's stages (He et al.)
# Classifiers whose logits the blog's model-similarity experiments use (Input Generation III).
LOGIT_MODELS = (*RESNET_NAMES, "googlenet")
UNTRAINED = "untrained"
IMAGENET = "imagenet"


def freeze(model):
    """Eval mode and no parameter gradients: the model is a fixed function of its input.

    Eval mode makes BatchNorm use its running statistics, so problems in one batch do not
    influence each other; skipping parameter gradients makes an inversion step about 1.5
    times faster.
    """
    model.eval()
    model.requires_grad_(False)
    return model
