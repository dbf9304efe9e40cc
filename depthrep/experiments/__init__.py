"""The paper's experiments, each a function of models, images and settings that returns tables
and images; none reads a config or writes a result file (the pipeline does that).

    layer_inversion   ResNet cuts: target embeddings and per-layer inversions (Fig 1-5, 10, S1, S3, S4)
    mlp_sweeps        fully connected models: widths, depths, ReLU (Fig 6-9)
    exact_inversion   the square linear MLP inverted exactly, and its conditioning (Fig S2)
    noise_labels      the ResNet trained on randomly labelled noise (Sec 5)
    cifar             CIFAR10/100 and the standard vs inverted classifiers (Sec 7)
    sec7_gaps         Sec 7's generalisation gaps from the classifiers' histories
    similarity        linear CKA, SVCCA, bootstrap intervals, the noisy-group spectrum
    representations   image sets, their activations at every cut, the similarity and spectrum tables
    autoencoder       the blog's overcomplete autoencoder: photo patches or CIFAR-10, training
    denoising         what it does: denoising never taught, its layers inverted, the manifold walk
    model_similarity  Input Generation III: two classifiers' class representations, combined and
                      apart, one mimicking the other's, merging by training
"""
