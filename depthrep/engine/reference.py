"""The author's own descent loop, transcribed from his published resnet_representations.py
(github.com/blbadger/depth-representation, commit 8028a81): his `octave` with crop=False, as his
`generate_singleinput` calls it, `random_crop` and `layer_gradient`. One problem at a time, a
plain step with his learning rate, then torchvision's 3x3 Gaussian blur with his sigma, both
interpolated by his formula; the model's parameters require gradients, as in his code.

The oracle the engine is tested against (tests/test_author_loop.py: with his settings the
engine gives his iterates) and the baseline of benchmarks/engine_speed.py.
"""

from __future__ import annotations

import random

import torch
import torchvision


def random_crop(input_image, size, rng):
    """His `random_crop`; with size = the image width both offsets are randint(0, 0) = 0.
    (`rng` stands for his global `random` module, so the test leaves that alone.)"""
    image_width = len(input_image[0][0])
    crop_width = rng.randint(0, image_width - size)
    crop_height = rng.randint(0, image_width - size)
    input_image_cropped = input_image[:, :, crop_height : crop_height + size, crop_width : crop_width + size]
    return input_image_cropped, crop_height, crop_width


def layer_gradient(resnet2, input_tensor, target_tensor, loss_scale=0.15):
    """His `layer_gradient` (he reads resnet2 and target_tensor as globals; his scale is 0.15)."""
    input_tensor.requires_grad = True
    output = resnet2(input_tensor)
    loss = loss_scale * torch.sum(torch.abs(target_tensor - output))  # target_tensor is the desired activation
    loss.backward()
    gradient = input_tensor.grad
    return gradient


def octave(resnet2, target_tensor, single_input, iterations, learning_rates, sigmas, blur=True, loss_scale=0.15):
    """His `octave` with crop=False; returns every iterate a_0 .. a_iterations.
    blur=False drops the blur line (eq. 4), all else as his."""
    rng = random.Random(999)
    start_lr, end_lr = learning_rates
    start_sigma, end_sigma = sigmas
    iterates = [single_input.detach().clone()]
    for i in range(iterations):
        cropped_input, crop_height, crop_width = random_crop(single_input.detach(), len(single_input[0][0]), rng)
        size = len(single_input[0][0])

        single_input = single_input.detach()  # remove the gradient for the input (if present)
        input_grad = layer_gradient(resnet2, cropped_input, target_tensor, loss_scale)  # compute input gradient
        window = (slice(None), slice(None), slice(crop_height, crop_height + size), slice(crop_width, crop_width + size))
        single_input[window] -= (start_lr * (iterations - i) / iterations + end_lr * i / iterations) * input_grad
        if blur:
            single_input[window] = torchvision.transforms.functional.gaussian_blur(
                single_input[window], 3, sigma=(start_sigma * (iterations - i) / iterations + end_sigma * i / iterations)
            )
        iterates.append(single_input.detach().clone())
    return iterates
