"""Training: the noise-label ResNet (Sec 5), the CIFAR classifiers (Sec 7) and the blog's autoencoder.

fit       Adam for a number of epochs on an objective (cross-entropy for the classifiers, mean
          squared reconstruction error for the autoencoder), resumable after any finished epoch,
          keeping the weights of chosen epochs
history   the per-epoch table fit returns: which accuracy is the training accuracy
"""
