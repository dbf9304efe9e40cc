"""Training classifiers: the noise-label ResNet (Sec 5) and the CIFAR classifiers (Sec 7).

fit       Adam and cross-entropy for a number of epochs, resumable after any finished epoch
history   the per-epoch table fit returns: which accuracy is the training accuracy
"""
