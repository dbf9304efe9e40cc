"""Snakemake script: download one CIFAR dataset with torchvision (md5-checked) and record where it is.

wildcards.dataset  cifar10 | cifar100
params.root        data folder; the dataset lands in root/cifar-10-batches-py or root/cifar-100-python
output[0]          JSON record {dataset, folder}
log[0]             job log
"""

from depthrep import cifar, io, runtime

runtime.log_to(snakemake.log[0])
name = snakemake.wildcards.dataset
io.write_json({"dataset": name, "folder": str(cifar.fetch(name, snakemake.params.root))}, snakemake.output[0])
