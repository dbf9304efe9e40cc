"""Snakemake script: download one CIFAR dataset with torchvision (md5-checked) and record it.

wildcards.dataset  cifar10 | cifar100
params.root        data folder; the dataset lands in root/cifar-10-batches-py or root/cifar-100-python
params.verify      false: download nothing, only check that the files are there (a dataset you made)
output[0]          JSON record: dataset, folder, whether md5 sums were checked, sha256 of every file
"""

from depthrep.experiments import cifar
from depthrep.files import write_json
from depthrep.pipeline import joblog

joblog.log_to(snakemake.log[0])
name, p = snakemake.wildcards.dataset, snakemake.params
cifar.fetch(name, p.root, verify=p.verify)
write_json(cifar.record(name, p.root, verified=p.verify), snakemake.output[0])
