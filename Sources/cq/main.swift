print("cq")
